/** The window's frame: top bar, sidebar, the current view, and the dialogs that open tunnels. */
import { useHashRoute } from '../../hooks/use-hash-route';
import { useThemeAttribute } from '../../hooks/use-theme';
import { sourceKey } from '../../lib/aws-source';
import { useUiStore, type Route } from '../../stores/ui-store';
import { SHELL_ID } from '../common/Dialog';
import { ConnectDialog } from '../connect/ConnectDialog';
import { DevicesView } from '../devices/DevicesView';
import { LogsView } from '../logs/LogsView';
import { OpenTunnelDialog } from '../open-tunnel/OpenTunnelDialog';
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
  const openTunnel = useUiStore((state) => state.openTunnel);
  return (
    <>
      <div id={SHELL_ID} className="shell">
        <SkipLink target={MAIN_ID} />
        <TopBar />
        <DisconnectedBanner />
        <div className="shell__body">
          <Sidebar />
          <main id={MAIN_ID} className="shell__main" tabIndex={-1}>
            <View route={route} />
          </main>
        </div>
      </div>
      {connect ? <ConnectDialog initialMode={connect} /> : null}
      {openTunnel ? (
        <OpenTunnelDialog
          key={`${sourceKey(openTunnel.source)} ${openTunnel.thing.thingName}`}
          target={openTunnel}
        />
      ) : null}
      <Announcer />
    </>
  );
}

function View({ route }: { readonly route: Route }) {
  switch (route.view) {
    case 'logs':
      return <LogsView />;
    case 'devices':
      return <DevicesView />;
    case 'tunnels':
      return <TunnelsView sessionId={route.sessionId} />;
  }
}
