/** The window's frame: top bar, sidebar, the current view, and the dialogs that open tunnels. */
import { lazy, Suspense } from 'react';
import { useHashRoute } from '../../hooks/use-hash-route';
import { useThemeAttribute } from '../../hooks/use-theme';
import { sourceKey } from '../../lib/aws-source';
import { useUiStore, type Route } from '../../stores/ui-store';
import { SHELL_ID } from '../common/Dialog';
import { TunnelsView } from '../tunnels/TunnelsView';
import { Announcer } from './Announcer';
import { DisconnectedBanner } from './DisconnectedBanner';
import { Sidebar } from './Sidebar';
import { SkipLink } from './SkipLink';
import { TopBar } from './TopBar';

// The first screen is the tunnels list: the other views and the dialogs load when opened.
const ConnectDialog = lazy(() =>
  import('../connect/ConnectDialog').then((m) => ({ default: m.ConnectDialog })),
);
const DevicesView = lazy(() =>
  import('../devices/DevicesView').then((m) => ({ default: m.DevicesView })),
);
const LogsView = lazy(() => import('../logs/LogsView').then((m) => ({ default: m.LogsView })));
const OpenTunnelDialog = lazy(() =>
  import('../open-tunnel/OpenTunnelDialog').then((m) => ({ default: m.OpenTunnelDialog })),
);

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
            <Suspense fallback={null}>
              <View route={route} />
            </Suspense>
          </main>
        </div>
      </div>
      <Suspense fallback={null}>
        {connect ? <ConnectDialog initialMode={connect} /> : null}
        {openTunnel ? (
          <OpenTunnelDialog
            key={`${sourceKey(openTunnel.source)} ${openTunnel.thing.thingName}`}
            target={openTunnel}
          />
        ) : null}
      </Suspense>
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
