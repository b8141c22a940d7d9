/**
 * Says when the page lost TunnelDesk (browser mode's WebSocket closed): what is on screen
 * is no longer live, though the tunnels keep running in the app. Reloading reconnects.
 */
import { useConnectionStore } from '../../stores/connection-store';
import { Icon } from '../common/Icon';

export function DisconnectedBanner() {
  const transport = useConnectionStore((state) => state.transport);
  if (transport.kind !== 'disconnected') return null;
  return (
    <div className="banner banner--error" role="alert" data-testid="disconnected-banner">
      <Icon name="alert" />
      <p className="banner__text">
        <strong>Disconnected from TunnelDesk</strong> ({transport.reason}). What you see is no
        longer live; tunnels keep running in the app.
      </p>
      <button
        type="button"
        className="button button--small"
        onClick={() => window.location.reload()}
      >
        Reload
      </button>
    </div>
  );
}
