/**
 * One service of a tunnel: the port it listens on, its mapping checked as you type (main's
 * checkMapping: the CLI's rules and messages), Apply for this service only, and the
 * launchers. A failed Apply (a port in use, say) keeps the row as typed, with the reason.
 */
import { useState, type KeyboardEvent } from 'react';
import type { ListenerView, SessionView } from '../../../../src-main/ipc/contract.js';
import { useApi } from '../../api/api-context';
import { checkMessage, useMappingCheck } from '../../hooks/use-mapping-check';
import { toShownError } from '../../lib/app-error';
import { StatusDot } from '../common/StatusDot';
import { ServiceLaunchers } from '../launchers/ServiceLaunchers';

export interface Draft {
  readonly port: string;
  readonly bindAddress: string;
}

interface ServiceRowProps {
  readonly session: SessionView;
  readonly listener: ListenerView;
  /** What the operator typed; undefined shows the listener as it is. */
  readonly draft: Draft | undefined;
  readonly onDraft: (serviceId: string, draft: Draft | null) => void;
}

function asTyped(listener: ListenerView): Draft {
  return { port: String(listener.requested), bindAddress: listener.bindAddress };
}

export function ServiceRow({ session, listener, draft, onDraft }: ServiceRowProps) {
  const api = useApi();
  const id = listener.serviceId;
  const closed = session.state.kind === 'closed';
  const shown = draft ?? asTyped(listener);
  const dirty =
    draft !== undefined &&
    (draft.port.trim() !== String(listener.requested) ||
      draft.bindAddress.trim() !== listener.bindAddress);
  const { check, current } = useMappingCheck({ serviceId: id, ...shown });
  const [applying, setApplying] = useState(false);
  // An Apply failure belongs to the text it was about; typing again makes it stale.
  const [failure, setFailure] = useState<{ text: string; message: string } | null>(null);
  const text = `${shown.port}\u0000${shown.bindAddress}`;
  const applyError = failure?.text === text ? failure.message : null;

  const edit = (change: Partial<Draft>) => onDraft(id, { ...shown, ...change });

  const apply = async () => {
    const fresh = await api.checkMapping({ serviceId: id, ...shown }).catch(() => null);
    if (!fresh?.ok) return;
    setApplying(true);
    try {
      await api.updateMapping({ sessionId: session.id, mapping: fresh.mapping });
      onDraft(id, null);
    } catch (error) {
      setFailure({ text, message: toShownError(error).message });
    } finally {
      setApplying(false);
    }
  };

  const portError = checkMessage(check, 'port');
  const bindError = checkMessage(check, 'bindAddress');
  const checkError = portError ?? bindError ?? checkMessage(check, 'serviceId');
  const message = applyError ?? checkError ?? listener.error;
  const isError =
    applyError !== null || checkError !== undefined || (listener.error !== null && !closed);
  // Apply stays possible while a check is on its way (apply() checks afresh), but not once
  // main has said this very text is wrong.
  const knownBad = current && check?.ok === false;
  const canApply = !closed && dirty && !applying && !knownBad;
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && canApply) {
      event.preventDefault();
      void apply();
    } else if (event.key === 'Escape' && draft) {
      // Escape undoes the edit, like in a spreadsheet.
      event.preventDefault();
      onDraft(id, null);
    }
  };
  const messageId = `mapping-message-${session.id}-${id}`;
  const listening = listener.port !== null;

  return (
    <li className="service-row" aria-label={`${id} service`} data-testid={`service-row-${id}`}>
      <div className="service-row__grid">
        <span className="service-row__id">
          <StatusDot tone={listening ? 'ok' : closed ? 'muted' : 'error'} />
          <span className="mono">{id}</span>
        </span>
        <span className="service-row__bound mono">
          {listening ? (
            <>
              <span className="service-row__address">{listener.bindAddress}:</span>
              <span data-testid={`bound-port-${id}`} data-port={listener.port}>
                {listener.port}
              </span>
            </>
          ) : (
            <span className="service-row__none" data-testid={`bound-port-${id}`} data-port="">
              {closed ? 'closed' : 'not listening'}
            </span>
          )}
        </span>
        <input
          className={`input input--mono input--port${portError ? ' input--invalid' : ''}`}
          value={shown.port}
          onChange={(event) => edit({ port: event.target.value })}
          onKeyDown={onKeyDown}
          aria-label={`${id} local port`}
          aria-invalid={portError ? true : undefined}
          aria-describedby={messageId}
          placeholder="auto"
          inputMode="numeric"
          autoComplete="off"
          spellCheck={false}
          disabled={closed}
          data-testid={`mapping-port-${id}`}
        />
        <input
          className={`input input--mono${bindError ? ' input--invalid' : ''}`}
          value={shown.bindAddress}
          onChange={(event) => edit({ bindAddress: event.target.value })}
          onKeyDown={onKeyDown}
          aria-label={`${id} bind address`}
          aria-invalid={bindError ? true : undefined}
          aria-describedby={messageId}
          placeholder="127.0.0.1"
          autoComplete="off"
          spellCheck={false}
          disabled={closed}
          data-testid={`mapping-bind-${id}`}
        />
        <span className="service-row__apply">
          <button
            type="button"
            className="button button--small button--primary"
            disabled={!canApply}
            onClick={() => void apply()}
            aria-label={`Apply ${id} mapping`}
            data-testid={`mapping-apply-${id}`}
          >
            {applying ? 'Applying…' : 'Apply'}
          </button>
          {draft ? (
            <button
              type="button"
              className="button button--small button--quiet"
              onClick={() => onDraft(id, null)}
              aria-label={`Undo ${id} changes`}
            >
              Undo
            </button>
          ) : null}
        </span>
        <ServiceLaunchers session={session} serviceId={id} listening={listening} />
      </div>
      <p
        id={messageId}
        className={`service-row__message${isError ? ' service-row__message--error' : ''}`}
        aria-live="polite"
        data-testid={`mapping-error-${id}`}
      >
        {message}
      </p>
    </li>
  );
}
