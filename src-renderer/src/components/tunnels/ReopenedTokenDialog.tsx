/**
 * After "Open again" on an AWS tunnel: the new tunnel's destination token, shown once as
 * when a tunnel is first opened (a device without the IoT Device Client needs it).
 */
import type { RequestOutput } from '../../../../src-main/ipc/contract.js';
import { Dialog } from '../common/Dialog';
import { DestinationTokenPanel } from '../open-tunnel/DestinationTokenPanel';

export interface Reopened {
  readonly opened: RequestOutput<'openTunnel'>;
  readonly at: number;
}

export function ReopenedTokenDialog({
  reopened,
  onDismiss,
}: {
  readonly reopened: Reopened;
  readonly onDismiss: () => void;
}) {
  const { opened } = reopened;
  return (
    <Dialog
      title={`Tunnel open again to ${opened.session.tunnel?.thingName ?? opened.session.name}`}
      description="A new tunnel: the device’s new token is shown this once."
      onClose={onDismiss}
      width="wide"
      testId="reopened-dialog"
      closeOnBackdrop={false}
    >
      <DestinationTokenPanel
        opened={{
          tunnelId: opened.tunnelId,
          thingName: opened.session.tunnel?.thingName ?? opened.session.name,
          source: opened.session.tunnel?.source ?? { kind: 'sandbox' },
          expiresAt: opened.expiresAt,
          destinationAccessToken: opened.destinationAccessToken,
        }}
        openedAt={reopened.at}
        onDismiss={onDismiss}
      />
    </Dialog>
  );
}
