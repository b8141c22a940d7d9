/** The header: the product, what runs it (getAppInfo), the theme, and "New tunnel". */
import { useConnectionStore } from '../../stores/connection-store';
import { useUiStore } from '../../stores/ui-store';
import { Icon } from '../common/Icon';
import { ThemeSwitch } from '../settings/ThemeSwitch';

export function TopBar() {
  const info = useConnectionStore((state) => state.appInfo);
  const openConnect = useUiStore((state) => state.openConnect);
  return (
    <header className="topbar">
      <div className="topbar__brand">
        <span className="topbar__logo" aria-hidden="true">
          <Icon name="tunnel" size={18} />
        </span>
        <span className="topbar__name">TunnelDesk</span>
        {info ? (
          <span className="topbar__info" data-testid="app-info">
            <span className="mono">v{info.version}</span>
            <span className="topbar__sep" aria-hidden="true">
              ·
            </span>
            <span>{info.runtime === 'electron' ? 'Desktop' : 'Browser mode'}</span>
            <span className="topbar__sep" aria-hidden="true">
              ·
            </span>
            <span>{info.platform}</span>
            <span className="topbar__sep" aria-hidden="true">
              ·
            </span>
            <span
              title={
                info.secretStorage === 'os-keychain'
                  ? 'Tokens can be kept encrypted in the OS keychain'
                  : 'Tokens are kept in memory only and forgotten when TunnelDesk stops'
              }
            >
              {info.secretStorage === 'os-keychain'
                ? 'secrets: OS keychain'
                : 'secrets: memory only'}
            </span>
          </span>
        ) : null}
      </div>
      <div className="topbar__actions">
        <ThemeSwitch />
        <button type="button" className="button" onClick={() => openConnect('sandbox')}>
          <Icon name="plus" />
          New tunnel
        </button>
      </div>
    </header>
  );
}
