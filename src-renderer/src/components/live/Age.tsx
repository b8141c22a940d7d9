/** How long ago something opened, ticking on the shared clock without re-rendering its row. */
import { useNow } from '../../hooks/use-now';
import { formatDuration } from '../../lib/format';

export function Age({ since }: { readonly since: number }) {
  const now = useNow(1_000);
  return <>{formatDuration(now - since)}</>;
}
