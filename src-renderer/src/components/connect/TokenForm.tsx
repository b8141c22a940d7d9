/**
 * Connects with a source access token the operator already has. The token is a secret: a
 * password field, never echoed, never in a store, and cleared from this component's state
 * once main took it (the tunnel opened). A local check that fails (a region, an endpoint, a
 * port) keeps it, so nothing needs pasting again for a typo; a refusal by the service shows
 * on the tunnel itself, whose "Edit & retry" fills this form in again without the token.
 * Region and endpoint are checked by main's rules as they are typed.
 */
import { useRef, useState, type FormEvent } from 'react';
import type {
  ProtocolVersion,
  ReopenForm,
  SessionView,
} from '../../../../src-main/ipc/contract.js';
import { useTargetCheck } from '../../hooks/use-target-check';
import { useApi } from '../../api/api-context';
import { useFocusFirstError } from '../../hooks/use-focus-first-error';
import { errorFor, generalError, toShownError, type ShownError } from '../../lib/app-error';
import { Field } from '../common/Field';
import { FormError } from '../common/FormError';
import { FormFooter } from '../common/FormFooter';
import { PeerVersionSelect } from '../common/PeerVersionSelect';
import { CaPathField } from './CaPathField';
import { checkRows, newRow, rowsFromMappings, type RowDraft } from './mapping-rows';
import { MappingRowsEditor } from './MappingRowsEditor';

const MAX_SERVICES = 16;
type TargetKind = 'region' | 'endpoint';

const KNOWN_FIELDS = [
  'name',
  'accessToken',
  'target',
  'services',
  'peerVersion',
  'verifyTls',
  'caPath',
];

interface FormProps {
  readonly onOpened: (session: SessionView) => void;
  readonly onCancel: () => void;
  /** "Edit & retry": the values a closed tunnel was opened with (never its token). */
  readonly initial?: Extract<ReopenForm, { kind: 'token' }> | undefined;
}

export function TokenForm({ onOpened, onCancel, initial }: FormProps) {
  const api = useApi();
  const [name, setName] = useState(initial?.name ?? '');
  const [token, setToken] = useState('');
  const [targetKind, setTargetKind] = useState<TargetKind>(initial?.target.kind ?? 'region');
  const [region, setRegion] = useState(
    initial?.target.kind === 'region' ? initial.target.region : '',
  );
  const [endpoint, setEndpoint] = useState(
    initial?.target.kind === 'endpoint' ? initial.target.endpoint : '',
  );
  const [peerVersion, setPeerVersion] = useState<ProtocolVersion>(initial?.peerVersion ?? 'V3');
  const [verifyTls, setVerifyTls] = useState(initial?.verifyTls ?? true);
  const [caPath, setCaPath] = useState(initial?.caPath ?? '');
  const [rows, setRows] = useState<RowDraft[]>(() =>
    initial ? rowsFromMappings(initial.services) : [newRow('SSH1')],
  );
  const targetText = targetKind === 'region' ? region : endpoint;
  const targetCheck = useTargetCheck(targetKind, targetText);
  const [error, setError] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstError(form, error);

  const changed =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      setError(null);
    };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (token.trim() === '') {
      setError({
        code: 'invalid-input',
        message: 'paste the source access token',
        field: 'accessToken',
      });
      return;
    }
    setBusy(true);
    try {
      const checked = await checkRows(api, rows);
      if (!checked.ok) {
        setError(checked.error);
        return;
      }
      const session = await api.connectWithToken({
        ...(name.trim() ? { name: name.trim() } : {}),
        accessToken: token,
        target:
          targetKind === 'region'
            ? { kind: 'region', region: region.trim() }
            : { kind: 'endpoint', endpoint: endpoint.trim() },
        services: checked.mappings,
        peerVersion,
        verifyTls,
        ...(caPath.trim() ? { caPath: caPath.trim() } : {}),
      });
      // Main has it now: the renderer has no further use for the secret.
      setToken('');
      onOpened(session);
    } catch (failure) {
      setError(toShownError(failure));
    } finally {
      setBusy(false);
    }
  };

  const tokenError = errorFor(error, 'accessToken');
  return (
    <form
      ref={form}
      className="form"
      onSubmit={(event) => void submit(event)}
      data-testid="token-form"
      aria-label="Connect with an access token"
      noValidate
    >
      <Field
        label="Name"
        hint="Optional; shown in the list of tunnels."
        error={errorFor(error, 'name')}
      >
        <input
          className="input"
          value={name}
          onChange={(event) => changed(setName)(event.target.value)}
          placeholder="my-device"
          maxLength={128}
          autoComplete="off"
          spellCheck={false}
          data-testid="token-name"
        />
      </Field>
      <Field
        label="Source access token"
        hint={
          initial && token === ''
            ? 'Paste the access token again: it is never kept in this window.'
            : 'Kept by TunnelDesk, never shown again. Cleared from this form once connected.'
        }
        error={tokenError}
      >
        <input
          className="input input--mono"
          type="password"
          value={token}
          onChange={(event) => changed(setToken)(event.target.value)}
          autoComplete="off"
          spellCheck={false}
          data-autofocus
          data-testid="token-input"
        />
      </Field>
      <fieldset className="form__group">
        <legend className="field__label">Tunnel service</legend>
        <div className="radio-row">
          <label className="radio">
            <input
              type="radio"
              name="target"
              checked={targetKind === 'region'}
              onChange={() => changed(setTargetKind)('region')}
            />
            AWS region
          </label>
          <label className="radio">
            <input
              type="radio"
              name="target"
              checked={targetKind === 'endpoint'}
              onChange={() => changed(setTargetKind)('endpoint')}
            />
            Endpoint
          </label>
        </div>
        {targetKind === 'region' ? (
          <Field
            label="Region"
            hint="data.tunneling.iot.REGION.amazonaws.com"
            error={errorFor(error, 'target') ?? targetCheck}
          >
            <input
              className="input input--mono"
              value={region}
              onChange={(event) => changed(setRegion)(event.target.value)}
              placeholder="us-east-1"
              autoComplete="off"
              spellCheck={false}
              data-testid="token-region"
            />
          </Field>
        ) : (
          <Field
            label="Endpoint"
            hint="host[:port], or ws://host:port for a plain local service"
            error={errorFor(error, 'target') ?? targetCheck}
          >
            <input
              className="input input--mono"
              value={endpoint}
              onChange={(event) => changed(setEndpoint)(event.target.value)}
              placeholder="127.0.0.1:8443"
              autoComplete="off"
              spellCheck={false}
              data-testid="token-endpoint"
            />
          </Field>
        )}
      </fieldset>
      <div className="form__row">
        <Field
          label="Destination version"
          hint="V1 or V2 for older devices (Device Client, Greengrass)."
          error={errorFor(error, 'peerVersion')}
        >
          <PeerVersionSelect
            value={peerVersion}
            onChange={changed(setPeerVersion)}
            data-testid="token-peer-version"
          />
        </Field>
        <div className="field">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={verifyTls}
              onChange={(event) => changed(setVerifyTls)(event.target.checked)}
              data-testid="token-verify-tls"
            />
            Verify TLS
          </label>
          <p className="field__hint">
            {verifyTls
              ? 'The service’s certificate is checked.'
              : 'Not checked: for local testing only.'}
          </p>
        </div>
      </div>
      {verifyTls ? (
        <CaPathField
          value={caPath}
          onChange={changed(setCaPath)}
          error={errorFor(error, 'caPath')}
        />
      ) : null}
      <MappingRowsEditor
        rows={rows}
        onChange={changed(setRows)}
        max={MAX_SERVICES}
        error={error}
        disabled={busy}
      />
      <FormError message={generalError(error, KNOWN_FIELDS)} />
      <FormFooter
        onCancel={onCancel}
        busy={busy}
        submitLabel="Connect"
        busyLabel="Connecting…"
        submitTestId="token-submit"
      />
    </form>
  );
}
