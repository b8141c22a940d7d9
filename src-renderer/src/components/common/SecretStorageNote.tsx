/**
 * Where tokens are kept, where it matters: with no OS keychain (browser mode), main keeps
 * tunnel tokens in memory only, so a tunnel opened from the app cannot reconnect after a
 * restart. Says nothing when the keychain keeps them (that is what an operator expects).
 */
import { useConnectionStore } from '../../stores/connection-store';
import { Icon } from './Icon';

export function SecretStorageNote({ compact }: { readonly compact?: boolean }) {
  const storage = useConnectionStore((state) => state.appInfo?.secretStorage);
  if (storage !== 'memory') return null;
  const text = compact
    ? 'Tokens live in memory only: gone after a restart.'
    : 'Tokens live in memory only here (no OS keychain): they are gone after TunnelDesk restarts, and a tunnel opened now cannot reconnect then; open a new one.';
  return (
    <p
      className={`note${compact ? ' note--compact' : ''}`}
      data-testid="secret-storage-note"
      title={
        compact
          ? 'Without an OS keychain (browser mode), TunnelDesk keeps access tokens in memory only. After a restart, open the tunnel again.'
          : undefined
      }
    >
      <Icon name="lock" size={14} />
      <span>{text}</span>
    </p>
  );
}
