/**
 * "Open tunnel" for one device: its services (prefilled with those last used for it, or kept
 * for its thing type, and checked as typed by main's own rules), a description, tags, the
 * maximum lifetime and the device's protocol version; then OpenTunnel, and this side
 * connects at once. The tunnel's page opens behind the dialog, which turns into the
 * destination token, given once, until the operator dismisses it.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ProtocolVersion } from '../../../../src-main/ipc/contract.js';
import { useApi } from '../../api/api-context';
import { useFocusFirstError } from '../../hooks/use-focus-first-error';
import { errorFor, generalError, toShownError, type ShownError } from '../../lib/app-error';
import { describeSource } from '../../lib/aws-source';
import {
  checkTags,
  describeMinutes,
  lifetimeProblem,
  MAX_LIFETIME_MINUTES,
  type TagDraft,
} from '../../lib/tunnel-form';
import { useSessionsStore } from '../../stores/sessions-store';
import { useUiStore, type OpenTunnelTarget } from '../../stores/ui-store';
import { AwsErrorNotice } from '../aws/AwsErrorNotice';
import { Dialog } from '../common/Dialog';
import { Field } from '../common/Field';
import { FormFooter } from '../common/FormFooter';
import { PeerVersionSelect } from '../common/PeerVersionSelect';
import { checkRows, newRow, rowsFromMappings, type RowDraft } from '../connect/mapping-rows';
import { MappingRowsEditor } from '../connect/MappingRowsEditor';
import { DestinationTokenPanel, type OpenedTunnel } from './DestinationTokenPanel';
import { TagRowsEditor } from './TagRowsEditor';

/** The contract's limit on a tunnel's services. */
const MAX_SERVICES = 3;
const KNOWN_FIELDS = ['services', 'description', 'tags', 'maxLifetimeMinutes', 'peerVersion'];

export function OpenTunnelDialog({ target }: { readonly target: OpenTunnelTarget }) {
  // The token, once there is one, is this component's state only; closing drops it.
  const [opened, setOpened] = useState<{ tunnel: OpenedTunnel; at: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    if (!busy) useUiStore.getState().endOpenTunnel();
  };
  const { thing, source } = target;
  return (
    <Dialog
      title={opened ? `Tunnel open to ${thing.thingName}` : `Open a tunnel to ${thing.thingName}`}
      description={
        opened
          ? 'Its page is open behind this dialog. The device’s token is shown this once.'
          : `In ${describeSource(source)}${thing.thingTypeName ? ` · thing type ${thing.thingTypeName}` : ''}`
      }
      onClose={close}
      width="wide"
      testId="open-tunnel-dialog"
      closeOnBackdrop={false}
    >
      {opened ? (
        <DestinationTokenPanel opened={opened.tunnel} openedAt={opened.at} onDismiss={close} />
      ) : (
        <OpenTunnelForm
          target={target}
          busy={busy}
          setBusy={setBusy}
          onOpened={(tunnel) => setOpened({ tunnel, at: Date.now() })}
          onCancel={close}
        />
      )}
    </Dialog>
  );
}

interface OpenTunnelFormProps {
  readonly target: OpenTunnelTarget;
  readonly busy: boolean;
  readonly setBusy: (busy: boolean) => void;
  readonly onOpened: (tunnel: OpenedTunnel) => void;
  readonly onCancel: () => void;
}

function OpenTunnelForm({ target, busy, setBusy, onOpened, onCancel }: OpenTunnelFormProps) {
  const api = useApi();
  const { thing, source } = target;
  const [rows, setRows] = useState<RowDraft[] | null>(null);
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState<TagDraft[]>([]);
  const [lifetime, setLifetime] = useState(String(MAX_LIFETIME_MINUTES));
  const [peerVersion, setPeerVersion] = useState<ProtocolVersion>('V3');
  const [error, setError] = useState<ShownError | null>(null);
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstError(form, error);

  useEffect(() => {
    let current = true;
    api.getServiceDefaults({ thingName: thing.thingName, thingTypeName: thing.thingTypeName }).then(
      (mappings) => current && setRows(rowsFromMappings(mappings)),
      // Settings could not be read: the usual start, SSH1 on any free port.
      () => current && setRows([newRow('SSH1')]),
    );
    return () => {
      current = false;
    };
  }, [api, thing.thingName, thing.thingTypeName]);

  const changed =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      setError(null);
    };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (rows === null || busy) return;
    setError(null);
    const checkedTags = checkTags(tags);
    if (!checkedTags.ok) return setError(checkedTags.error);
    const badLifetime = lifetimeProblem(lifetime);
    if (badLifetime) {
      return setError({
        code: 'invalid-input',
        message: badLifetime,
        field: 'maxLifetimeMinutes',
      });
    }
    setBusy(true);
    try {
      const checked = await checkRows(api, rows);
      if (!checked.ok) return setError(checked.error);
      const text = description.trim();
      const result = await api.openTunnel({
        source,
        thingName: thing.thingName,
        services: checked.mappings,
        ...(text ? { description: text } : {}),
        ...(checkedTags.tags.length > 0 ? { tags: checkedTags.tags } : {}),
        maxLifetimeMinutes: Number(lifetime.trim()),
        peerVersion,
      });
      useSessionsStore.getState().upsert(result.session);
      useUiStore.getState().navigate({ view: 'tunnels', sessionId: result.session.id });
      onOpened({
        tunnelId: result.tunnelId,
        thingName: thing.thingName,
        source,
        expiresAt: result.expiresAt,
        destinationAccessToken: result.destinationAccessToken,
      });
    } catch (failure) {
      setError(toShownError(failure));
    } finally {
      setBusy(false);
    }
  };

  const lifetimeNow = lifetimeProblem(lifetime);
  const general = generalError(error, KNOWN_FIELDS);
  return (
    <form
      ref={form}
      className="form dialog__body"
      onSubmit={(event) => void submit(event)}
      aria-label={`Open a tunnel to ${thing.thingName}`}
      data-testid="open-tunnel-form"
      noValidate
    >
      <p className="form__intro">
        OpenTunnel in {describeSource(source)}, then this side connects at once with the source
        token. The device joins when it hears of the tunnel; a device running the AWS IoT Device
        Client does so by itself.
      </p>
      {rows === null ? (
        <p className="form__loading" aria-live="polite">
          Loading the services kept for this device…
        </p>
      ) : (
        <div className="form__group">
          <MappingRowsEditor
            rows={rows}
            onChange={changed(setRows)}
            max={MAX_SERVICES}
            error={error}
            disabled={busy}
          />
          <p className="field__hint">
            Prefilled with the services last used for this device, or kept for its thing type.
          </p>
        </div>
      )}
      <Field
        label="Description"
        hint="Optional; shown in the tunnel list here and in the AWS console."
        error={errorFor(error, 'description')}
      >
        <input
          className="input"
          value={description}
          onChange={(event) => changed(setDescription)(event.target.value)}
          maxLength={2048}
          placeholder="firmware check, ticket OPS-1234"
          autoComplete="off"
          disabled={busy}
          data-autofocus
          data-testid="tunnel-description"
        />
      </Field>
      <TagRowsEditor tags={tags} onChange={changed(setTags)} error={error} disabled={busy} />
      <div className="form__row">
        <Field
          label="Maximum lifetime (minutes)"
          hint={
            lifetimeNow
              ? `1 to ${MAX_LIFETIME_MINUTES}`
              : `Closes by itself after ${describeMinutes(Number(lifetime.trim()))}.`
          }
          error={errorFor(error, 'maxLifetimeMinutes') ?? lifetimeNow ?? undefined}
        >
          <input
            className="input input--mono"
            value={lifetime}
            onChange={(event) => changed(setLifetime)(event.target.value)}
            inputMode="numeric"
            autoComplete="off"
            disabled={busy}
            data-testid="tunnel-lifetime"
          />
        </Field>
        <Field
          label="Device's protocol version"
          hint="V3 for a current local proxy; V1 for the IoT Device Client (one service)."
          error={errorFor(error, 'peerVersion')}
        >
          <PeerVersionSelect
            value={peerVersion}
            onChange={changed(setPeerVersion)}
            disabled={busy}
            data-testid="tunnel-peer-version"
          />
        </Field>
      </div>
      {general && error ? (
        <AwsErrorNotice error={{ ...error, message: general }} testId="open-tunnel-error" />
      ) : null}
      <FormFooter
        onCancel={onCancel}
        busy={busy}
        cancelDisabled={busy}
        submitDisabled={rows === null}
        submitLabel="Open tunnel"
        busyLabel="Opening…"
        submitTestId="open-tunnel-submit"
      />
    </form>
  );
}
