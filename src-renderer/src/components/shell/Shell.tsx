/** The window's frame: top bar, sidebar, the current view, and the connect dialog. */
import { useHashRoute } from '../../hooks/use-hash-route';
import { useThemeAttribute } from '../../hooks/use-theme';
import { useUiStore } from '../../stores/ui-store';
import { SHELL_ID } from '../common/Dialog';
import { ConnectDialog } from '../connect/ConnectDialog';
import { LogsView } from '../logs/LogsView';
import { TunnelsView } from '../tunnels/TunnelsView';
import { Announcer } from './Announcer';
import { DisconnectedBanner } from './DisconnectedBanner';
import { Sidebar } from './Sidebar';
import { SkipLink } from './SkipLink';
import { TopBar } from './TopBar';

export const MAIN_ID = 'main';

export function Shell() {
  useHashRoute();
  useThemeAttribute();
  const route = useUiStore((state) => state.route);
  const connect = useUiStore((state) => state.connect);
  return (
    <>
      <div id={SHELL_ID} className="shell">
        <SkipLink target={MAIN_ID} />
        <TopBar />
        <DisconnectedBanner />
        <div className="shell__body">
          <Sidebar />
          <main id={MAIN_ID} className="shell__main" tabIndex={-1}>
            {route.view === 'logs' ? <LogsView /> : <TunnelsView sessionId={route.sessionId} />}
          </main>
        </div>
      </div>
      {connect ? <ConnectDialog initialMode={connect} /> : null}
      <Announcer />
    </>
  );
}
