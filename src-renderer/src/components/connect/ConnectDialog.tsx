/** "New tunnel": the sandbox (the default, always there) or an access token. */
import { useRef, useState, type KeyboardEvent } from 'react';
import type { SessionView } from '../../../../src-main/ipc/contract.js';
import { useSessionsStore } from '../../stores/sessions-store';
import { useUiStore, type ConnectMode } from '../../stores/ui-store';
import { Dialog } from '../common/Dialog';
import { Icon, type IconName } from '../common/Icon';
import { SandboxForm } from './SandboxForm';
import { TokenForm } from './TokenForm';

const TABS: readonly { mode: ConnectMode; label: string; icon: IconName }[] = [
  { mode: 'sandbox', label: 'Sandbox', icon: 'sandbox' },
  { mode: 'token', label: 'Access token', icon: 'key' },
];

export function ConnectDialog({ initialMode }: { readonly initialMode: ConnectMode }) {
  const [mode, setMode] = useState<ConnectMode>(initialMode);
  const tabs = useRef<HTMLDivElement>(null);
  const close = useUiStore((state) => state.closeConnect);
  // "Edit & retry": the form a closed tunnel was opened with, filled in (no secret).
  const prefill = useUiStore((state) => state.connectPrefill);

  const opened = (session: SessionView) => {
    useSessionsStore.getState().upsert(session);
    close();
    useUiStore.getState().navigate({ view: 'tunnels', sessionId: session.id });
  };

  const onTabKey = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    event.preventDefault();
    const next = mode === 'sandbox' ? 'token' : 'sandbox';
    setMode(next);
    tabs.current?.querySelector<HTMLElement>(`#connect-tab-${next}`)?.focus();
  };

  return (
    <Dialog
      title={prefill ? 'Edit & retry' : 'New tunnel'}
      description={
        prefill?.kind === 'token'
          ? 'Filled in as before: paste the access token again, change what failed, and connect.'
          : 'One tunnel carries every service you map; each gets a local port.'
      }
      onClose={close}
      width="wide"
      testId="connect-dialog"
    >
      <div
        ref={tabs}
        className="tabs"
        role="tablist"
        aria-label="How to connect"
        onKeyDown={onTabKey}
      >
        {TABS.map((tab) => (
          <button
            key={tab.mode}
            id={`connect-tab-${tab.mode}`}
            type="button"
            role="tab"
            className="tabs__tab"
            aria-selected={mode === tab.mode}
            aria-controls={`connect-panel-${tab.mode}`}
            tabIndex={mode === tab.mode ? 0 : -1}
            onClick={() => setMode(tab.mode)}
          >
            <Icon name={tab.icon} />
            {tab.label}
          </button>
        ))}
      </div>
      <div
        id={`connect-panel-${mode}`}
        role="tabpanel"
        aria-labelledby={`connect-tab-${mode}`}
        className="dialog__body"
      >
        {mode === 'sandbox' ? (
          <SandboxForm
            key="sandbox"
            onOpened={opened}
            onCancel={close}
            initial={prefill?.kind === 'sandbox' ? prefill : undefined}
          />
        ) : (
          <TokenForm
            key="token"
            onOpened={opened}
            onCancel={close}
            initial={prefill?.kind === 'token' ? prefill : undefined}
          />
        )}
      </div>
    </Dialog>
  );
}
