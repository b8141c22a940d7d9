/**
 * "Close tunnel": CloseTunnel for one tunnel, asked first, with AWS's delete flag (drop its
 * record at once rather than keep it, CLOSED, for a while). The app's session on it, if
 * any, closes too. The dialog stays open while the request runs and shows a failure in
 * main's words, so the operator knows whether the tunnel is still open.
 */
import { useState } from 'react';
import type { AwsSource } from '../../../../src-main/ipc/contract.js';
import { useApi } from '../../api/api-context';
import { toShownError, type ShownError } from '../../lib/app-error';
import { describeSource } from '../../lib/aws-source';
import { AwsErrorNotice } from '../aws/AwsErrorNotice';
import { Dialog } from '../common/Dialog';

interface CloseTunnelDialogProps {
  readonly source: AwsSource;
  readonly tunnelId: string;
  readonly thingName: string | null;
  /** Whether this app has a session on it (its local ports close too). */
  readonly hasSession: boolean;
  readonly onClosed: () => void;
  readonly onCancel: () => void;
}

export function CloseTunnelDialog({
  source,
  tunnelId,
  thingName,
  hasSession,
  onClosed,
  onCancel,
}: CloseTunnelDialogProps) {
  const api = useApi();
  const [remove, setRemove] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);

  const close = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.closeTunnel({ source, tunnelId, delete: remove });
      onClosed();
    } catch (failure) {
      setError(toShownError(failure));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={thingName ? `Close the tunnel to ${thingName}?` : 'Close this tunnel?'}
      onClose={() => !busy && onCancel()}
      testId="close-tunnel-dialog"
    >
      <div className="dialog__body form">
        <p>
          Tunnel <code className="code-inline">{tunnelId}</code> in {describeSource(source)} will be
          closed for both sides: the device is disconnected and its tokens stop working.
          {hasSession ? ' The local ports this app serves for it close too.' : ''}
        </p>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={remove}
            onChange={(event) => setRemove(event.target.checked)}
            disabled={busy}
            data-testid="close-tunnel-delete"
          />
          Also delete it (AWS forgets the tunnel at once instead of listing it as closed)
        </label>
        {error ? <AwsErrorNotice error={error} testId="close-tunnel-error" /> : null}
      </div>
      <footer className="dialog__footer">
        <button type="button" className="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button
          type="button"
          className="button button--danger"
          onClick={() => void close()}
          disabled={busy}
          data-autofocus
          data-testid="close-tunnel-confirm"
        >
          {busy ? 'Closing…' : remove ? 'Close and delete' : 'Close tunnel'}
        </button>
      </footer>
    </Dialog>
  );
}
