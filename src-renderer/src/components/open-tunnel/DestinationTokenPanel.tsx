/**
 * The destination token, given once by OpenTunnel: masked until the operator reveals it,
 * with a copy button, and why most operators need not copy it (a device running the AWS IoT
 * Device Client receives it by MQTT by itself). The token lives in the dialog's state
 * only: it is in the DOM only while revealed, never in a store, never logged, and gone
 * when the operator dismisses the dialog.
 */
import { useEffect, useRef, useState } from 'react';
import type { AwsSource } from '../../../../src-main/ipc/contract.js';
import { copyText } from '../../lib/clipboard';
import { formatClock, formatDuration } from '../../lib/format';
import { Icon } from '../common/Icon';
import { SecretStorageNote } from '../common/SecretStorageNote';

/** Fixed: the mask says nothing of the token, not even its length. */
const MASK = '•'.repeat(32);

export interface OpenedTunnel {
  readonly tunnelId: string;
  readonly thingName: string;
  readonly source: AwsSource;
  readonly expiresAt: number | null;
  /** Secret. */
  readonly destinationAccessToken: string;
}

export function DestinationTokenPanel({
  opened,
  openedAt,
  onDismiss,
}: {
  readonly opened: OpenedTunnel;
  readonly openedAt: number;
  readonly onDismiss: () => void;
}) {
  const [revealed, setRevealed] = useState(false);
  const [copied, setCopied] = useState<{ ok: boolean; text: string } | null>(null);
  const copyButton = useRef<HTMLButtonElement>(null);

  // The form that was on screen is gone: the keyboard goes to the token's first action.
  useEffect(() => copyButton.current?.focus(), []);

  const copy = () =>
    copyText(opened.destinationAccessToken).then(
      () => setCopied({ ok: true, text: 'Copied to the clipboard.' }),
      (failure: unknown) => setCopied({ ok: false, text: (failure as Error).message }),
    );

  return (
    <div className="dialog__body form" data-testid="destination-token-panel">
      <div className="notice notice--ok" role="status">
        <Icon name="check" />
        <div className="notice__body">
          <p className="notice__title">The tunnel is open; this side is connecting.</p>
          <p className="notice__text">
            Tunnel <code className="code-inline">{opened.tunnelId}</code>
            {opened.expiresAt !== null ? (
              <>
                {' '}
                closes by itself at <span className="mono">{formatClock(opened.expiresAt)}</span> (
                {formatDuration(opened.expiresAt - openedAt)} from now)
              </>
            ) : null}
            .
          </p>
        </div>
      </div>
      <section className="token-box" aria-labelledby="destination-token-title">
        <h3 className="field__label" id="destination-token-title">
          Destination access token
        </h3>
        <p className="field__hint">
          Shown this once: neither AWS nor TunnelDesk can show it again.
        </p>
        <div className="secret-box">
          <code
            className={`secret-box__value${revealed ? '' : ' secret-box__value--masked'}`}
            data-testid="destination-token-value"
            data-masked={revealed ? 'false' : 'true'}
            aria-label={revealed ? 'Destination access token' : 'Destination access token, hidden'}
          >
            {revealed ? opened.destinationAccessToken : MASK}
          </code>
          <div className="secret-box__actions">
            <button
              type="button"
              className="button button--small"
              aria-pressed={revealed}
              onClick={() => setRevealed((shown) => !shown)}
              data-testid="destination-token-reveal"
            >
              <Icon name={revealed ? 'eyeOff' : 'eye'} />
              {revealed ? 'Hide' : 'Reveal'}
            </button>
            <button
              ref={copyButton}
              type="button"
              className="button button--small"
              onClick={() => void copy()}
              data-testid="destination-token-copy"
            >
              <Icon name="copy" />
              Copy
            </button>
          </div>
        </div>
        <p
          className={`token-box__result${copied && !copied.ok ? ' token-box__result--error' : ''}`}
          aria-live="polite"
        >
          {copied?.text}
        </p>
      </section>
      <div className="token-help">
        <p>
          <strong>Most operators need not copy it.</strong> A device running the AWS IoT Device
          Client receives this token by MQTT by itself when its thing name is set (on its tunnel
          notify topic), and connects.
          {opened.source.kind === 'sandbox'
            ? ` The sandbox's simulated device "${opened.thingName}" has received it the same way.`
            : ''}
        </p>
        <p>
          Copy it only for a device whose local proxy you start by hand in destination mode; give it
          there in <code className="code-inline">AWSIOT_TUNNEL_ACCESS_TOKEN</code> rather than on
          the command line, where other users can read it.
        </p>
      </div>
      <SecretStorageNote />
      <footer className="form__footer">
        <button
          type="button"
          className="button button--primary"
          onClick={onDismiss}
          data-testid="destination-token-dismiss"
        >
          Done
        </button>
      </footer>
    </div>
  );
}
