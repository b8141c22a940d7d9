/**
 * A tunnel's services: one row per service with its local port, the mapping editor and the
 * launchers; a mapping file can be imported into the rows (to review and apply) or the
 * current ports exported. Drafts live here so an import can fill them.
 */
import { useCallback, useState } from 'react';
import type { ServiceMapping, SessionView } from '../../../../src-main/ipc/contract.js';
import { MappingFileActions } from './MappingFileActions';
import { ServiceRow, type Draft } from './ServiceRow';

export function ServicesPanel({ session }: { readonly session: SessionView }) {
  const [drafts, setDrafts] = useState<Readonly<Record<string, Draft>>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const closed = session.state.kind === 'closed';

  const setDraft = useCallback((serviceId: string, draft: Draft | null) => {
    setDrafts((current) => {
      const next = { ...current };
      if (draft) next[serviceId] = draft;
      else delete next[serviceId];
      return next;
    });
  }, []);

  const onImport = (mappings: readonly ServiceMapping[], fileName: string) => {
    const known = new Set(session.listeners.map((l) => l.serviceId));
    const used = mappings.filter((m) => known.has(m.serviceId));
    const unknown = mappings.filter((m) => !known.has(m.serviceId)).map((m) => m.serviceId);
    setDrafts((current) => {
      const next = { ...current };
      for (const m of used)
        next[m.serviceId] = { port: String(m.port), bindAddress: m.bindAddress };
      return next;
    });
    setNotice(
      [
        used.length > 0
          ? `${fileName}: filled ${used.map((m) => m.serviceId).join(', ')}; review and apply each row.`
          : `${fileName} maps none of this tunnel's services.`,
        unknown.length > 0 ? `Not in this tunnel: ${unknown.join(', ')}.` : '',
      ]
        .filter(Boolean)
        .join(' '),
    );
  };

  return (
    <section className="panel" aria-labelledby={`services-${session.id}`}>
      <header className="panel__header">
        <h2 className="panel__title" id={`services-${session.id}`}>
          Services
        </h2>
        <p className="panel__hint">
          Each service gets a local port; changing one restarts only its listener.
        </p>
        <MappingFileActions session={session} onImport={onImport} disabled={closed} />
      </header>
      <p className="panel__notice" aria-live="polite">
        {notice}
      </p>
      <div className="service-table">
        <div className="service-table__head" aria-hidden="true">
          <span>Service</span>
          <span>Listening on</span>
          <span>Local port</span>
          <span>Bind address</span>
          <span />
          <span>Open</span>
        </div>
        <ul className="service-table__rows">
          {session.listeners.map((listener) => (
            <ServiceRow
              key={listener.serviceId}
              session={session}
              listener={listener}
              draft={drafts[listener.serviceId]}
              onDraft={setDraft}
            />
          ))}
        </ul>
      </div>
    </section>
  );
}
