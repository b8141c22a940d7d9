/**
 * The service mapping rows of a connect form: service id, local port ("auto" for any free
 * one) and bind address, each row checked as you type by main. An error main returns for
 * `services[i].field` shows on that row.
 */
import type { ServiceMapping } from '../../../../src-main/ipc/contract.js';
import { checkMessage, useMappingCheck } from '../../hooks/use-mapping-check';
import { errorFor, type ShownError } from '../../lib/app-error';
import { Icon } from '../common/Icon';
import { MappingFileActions } from '../mappings/MappingFileActions';
import { duplicateProblem, newRow, rowsFromMappings, type RowDraft } from './mapping-rows';

interface MappingRowsEditorProps {
  readonly rows: readonly RowDraft[];
  readonly onChange: (rows: RowDraft[]) => void;
  readonly max: number;
  readonly error: ShownError | null;
  readonly disabled?: boolean;
}

export function MappingRowsEditor({
  rows,
  onChange,
  max,
  error,
  disabled,
}: MappingRowsEditorProps) {
  const listError = error?.field === 'services' ? error.message : undefined;
  return (
    <fieldset className="mapping-rows" disabled={disabled}>
      <legend className="field__label">Services</legend>
      <div className="mapping-rows__head" aria-hidden="true">
        <span>Service id</span>
        <span>Local port</span>
        <span>Bind address</span>
        <span />
      </div>
      <ul className="mapping-rows__list">
        {rows.map((row, index) => (
          <MappingRowInput
            key={row.key}
            row={row}
            index={index}
            error={error}
            duplicate={duplicateProblem(rows, index)}
            canRemove={rows.length > 1}
            onChange={(next) => onChange(rows.map((r) => (r.key === row.key ? next : r)))}
            onRemove={() => onChange(rows.filter((r) => r.key !== row.key))}
          />
        ))}
      </ul>
      {listError ? (
        <p className="field__error" role="alert">
          {listError}
        </p>
      ) : null}
      <div className="mapping-rows__actions">
        <button
          type="button"
          className="button button--small"
          onClick={() => onChange([...rows, newRow()])}
          disabled={rows.length >= max}
          title={rows.length >= max ? `At most ${max} services` : undefined}
        >
          <Icon name="plus" />
          Add service
        </button>
        <MappingFileActions
          onImport={(mappings: readonly ServiceMapping[]) =>
            onChange(rowsFromMappings(mappings.slice(0, max)))
          }
          disabled={disabled}
        />
      </div>
    </fieldset>
  );
}

interface MappingRowInputProps {
  readonly row: RowDraft;
  readonly index: number;
  readonly error: ShownError | null;
  /** This row repeats an earlier one's service or port. */
  readonly duplicate: ReturnType<typeof duplicateProblem>;
  readonly canRemove: boolean;
  readonly onChange: (row: RowDraft) => void;
  readonly onRemove: () => void;
}

function MappingRowInput({
  row,
  index,
  error,
  duplicate,
  canRemove,
  onChange,
  onRemove,
}: MappingRowInputProps) {
  // A new tunnel's row: main also says whether the port is taken, and by which tunnel.
  const { check } = useMappingCheck(row, undefined, true);
  const field = (name: 'serviceId' | 'port' | 'bindAddress') =>
    errorFor(error, `services[${index}].${name}`) ??
    checkMessage(check, name) ??
    (duplicate?.field === name ? duplicate.message : undefined);
  const messages = {
    serviceId: field('serviceId'),
    port: field('port'),
    bindAddress: field('bindAddress'),
  };
  const message = messages.serviceId ?? messages.port ?? messages.bindAddress;
  const messageId = `new-mapping-message-${row.key}`;
  const label = row.serviceId.trim() || `row ${index + 1}`;
  return (
    <li className="mapping-rows__row">
      <input
        className={`input input--mono${messages.serviceId ? ' input--invalid' : ''}`}
        value={row.serviceId}
        onChange={(event) => onChange({ ...row, serviceId: event.target.value })}
        aria-label={`Service id, row ${index + 1}`}
        aria-invalid={messages.serviceId ? true : undefined}
        aria-describedby={messageId}
        placeholder="SSH1"
        autoComplete="off"
        spellCheck={false}
        data-testid={`new-mapping-service-${index}`}
      />
      <input
        className={`input input--mono${messages.port ? ' input--invalid' : ''}`}
        value={row.port}
        onChange={(event) => onChange({ ...row, port: event.target.value })}
        aria-label={`${label} local port`}
        aria-invalid={messages.port ? true : undefined}
        aria-describedby={messageId}
        placeholder="auto"
        autoComplete="off"
        spellCheck={false}
        data-testid={`new-mapping-port-${index}`}
      />
      <input
        className={`input input--mono${messages.bindAddress ? ' input--invalid' : ''}`}
        value={row.bindAddress}
        onChange={(event) => onChange({ ...row, bindAddress: event.target.value })}
        aria-label={`${label} bind address`}
        aria-invalid={messages.bindAddress ? true : undefined}
        aria-describedby={messageId}
        placeholder="127.0.0.1"
        autoComplete="off"
        spellCheck={false}
        data-testid={`new-mapping-bind-${index}`}
      />
      <button
        type="button"
        className="icon-button"
        onClick={onRemove}
        disabled={!canRemove}
        aria-label={`Remove ${label}`}
      >
        <Icon name="close" size={14} />
      </button>
      <p
        id={messageId}
        className="mapping-rows__message"
        aria-live="polite"
        data-testid={`new-mapping-error-${index}`}
      >
        {message}
      </p>
    </li>
  );
}
