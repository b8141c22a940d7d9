/** Opens a tunnel to the built-in sandbox: a simulated device on this machine, no account. */
import { useRef, useState, type FormEvent } from 'react';
import type { ReopenForm, SessionView } from '../../../../src-main/ipc/contract.js';
import { useApi } from '../../api/api-context';
import { useFocusFirstError } from '../../hooks/use-focus-first-error';
import { errorFor, generalError, toShownError, type ShownError } from '../../lib/app-error';
import { Field } from '../common/Field';
import { FormError } from '../common/FormError';
import { FormFooter } from '../common/FormFooter';
import { checkRows, newRow, rowsFromMappings, type RowDraft } from './mapping-rows';
import { MappingRowsEditor } from './MappingRowsEditor';

/** The contract's limit for a sandbox tunnel. */
const MAX_SERVICES = 3;

interface FormProps {
  readonly onOpened: (session: SessionView) => void;
  readonly onCancel: () => void;
  /** "Edit & retry": the values a closed tunnel was opened with. */
  readonly initial?: Extract<ReopenForm, { kind: 'sandbox' }> | undefined;
}

export function SandboxForm({ onOpened, onCancel, initial }: FormProps) {
  const api = useApi();
  const [deviceName, setDeviceName] = useState(initial?.deviceName ?? '');
  const [rows, setRows] = useState<RowDraft[]>(() =>
    initial ? rowsFromMappings(initial.services) : [newRow('HTTP1'), newRow('SSH1')],
  );
  const [error, setError] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstError(form, error);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const checked = await checkRows(api, rows);
      if (!checked.ok) {
        setError(checked.error);
        return;
      }
      const name = deviceName.trim();
      const session = await api.openSandbox({
        ...(name ? { deviceName: name } : {}),
        services: checked.mappings,
      });
      onOpened(session);
    } catch (failure) {
      setError(toShownError(failure));
    } finally {
      setBusy(false);
    }
  };

  const general = generalError(error, ['deviceName', 'services']);
  return (
    <form
      ref={form}
      className="form"
      onSubmit={(event) => void submit(event)}
      data-testid="sandbox-form"
      aria-label="Sandbox tunnel"
      noValidate
    >
      <p className="form__intro">
        A local tunnel service and a simulated device run inside TunnelDesk. HTTP services reach the
        device&apos;s status page; SSH services reach this machine&apos;s port 22.
      </p>
      <Field
        label="Device name"
        hint="Optional; a name is made up when empty."
        error={errorFor(error, 'deviceName')}
      >
        <input
          className="input"
          value={deviceName}
          onChange={(event) => {
            setDeviceName(event.target.value);
            setError(null);
          }}
          placeholder="sandbox-device-1"
          maxLength={128}
          autoComplete="off"
          spellCheck={false}
          data-autofocus
          data-testid="sandbox-device-name"
        />
      </Field>
      <MappingRowsEditor
        rows={rows}
        onChange={(next) => {
          setRows(next);
          setError(null);
        }}
        max={MAX_SERVICES}
        error={error}
        disabled={busy}
      />
      <FormError message={general} />
      <FormFooter
        onCancel={onCancel}
        busy={busy}
        submitLabel="Open sandbox tunnel"
        busyLabel="Opening…"
        submitTestId="sandbox-submit"
      />
    </form>
  );
}
