/**
 * "Get a new token": RotateTunnelAccessToken for this side, and the session reconnects with
 * it in the same step, on the same local ports where it can (main does both). The new token
 * never reaches the renderer.
 */
import { useState } from 'react';
import type { SessionView } from '../../../../src-main/ipc/contract.js';
import { useApi } from '../../api/api-context';
import { toShownError, type ShownError } from '../../lib/app-error';
import { useSessionsStore } from '../../stores/sessions-store';
import { AwsErrorNotice } from '../aws/AwsErrorNotice';
import { Icon } from '../common/Icon';

export function RenewTokenButton({
  session,
  small,
}: {
  readonly session: SessionView;
  readonly small?: boolean;
}) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);

  const renew = async () => {
    setBusy(true);
    setError(null);
    try {
      useSessionsStore.getState().upsert(await api.rotateSourceToken({ sessionId: session.id }));
    } catch (failure) {
      setError(toShownError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button
        type="button"
        className={`button button--primary${small ? ' button--small' : ''}`}
        onClick={() => void renew()}
        disabled={busy}
        aria-label={`Get a new token for ${session.name} and reconnect`}
        data-testid="renew-token"
      >
        <Icon name="key" />
        {busy ? 'Getting a new token…' : 'Get a new token'}
      </button>
      {error ? <AwsErrorNotice error={error} testId="renew-token-error" /> : null}
    </>
  );
}
