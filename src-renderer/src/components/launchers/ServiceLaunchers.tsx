/**
 * "Open in browser", "Open SSH" and "Copy command" for one service. Main does the launching
 * and builds the URL or command from its own record of the port; the renderer only names
 * the tunnel and the service. The scheme and the SSH user are remembered by main (settings).
 */
import { useState } from 'react';
import type { SessionView } from '../../../../src-main/ipc/contract.js';
import { useApi } from '../../api/api-context';
import { toShownError } from '../../lib/app-error';
import { copyText } from '../../lib/clipboard';
import { schemeKey, serviceKind } from '../../lib/services';
import { useSettingsStore } from '../../stores/settings-store';
import { Icon } from '../common/Icon';

type Scheme = 'http' | 'https';
type Result = { readonly ok: boolean; readonly text: string } | null;

interface ServiceLaunchersProps {
  readonly session: SessionView;
  readonly serviceId: string;
  readonly listening: boolean;
}

export function ServiceLaunchers({ session, serviceId, listening }: ServiceLaunchersProps) {
  const kind = serviceKind(serviceId);
  const [result, setResult] = useState<Result>(null);
  const disabled = !listening;
  return (
    <div className="launchers">
      <div className="launchers__buttons">
        {kind !== 'ssh' ? (
          <BrowserLauncher
            session={session}
            serviceId={serviceId}
            disabled={disabled}
            onResult={setResult}
          />
        ) : null}
        {kind !== 'http' ? (
          <SshLauncher
            session={session}
            serviceId={serviceId}
            disabled={disabled}
            onResult={setResult}
          />
        ) : null}
      </div>
      <p
        className={`launchers__result${result && !result.ok ? ' launchers__result--error' : ''}`}
        aria-live="polite"
        data-testid={`launch-result-${serviceId}`}
      >
        {result?.text}
      </p>
    </div>
  );
}

interface LauncherProps {
  readonly session: SessionView;
  readonly serviceId: string;
  readonly disabled: boolean;
  readonly onResult: (result: Result) => void;
}

function BrowserLauncher({ session, serviceId, disabled, onResult }: LauncherProps) {
  const api = useApi();
  const remembered = useSettingsStore(
    (state) => state.settings?.browserSchemes[schemeKey(session.name, serviceId)],
  );
  const [chosen, setChosen] = useState<Scheme | null>(null);
  const scheme = chosen ?? remembered ?? 'http';
  const [busy, setBusy] = useState(false);

  const open = async () => {
    setBusy(true);
    try {
      const { url } = await api.openInBrowser({ sessionId: session.id, serviceId, scheme });
      onResult({ ok: true, text: `Opened ${url}` });
    } catch (error) {
      onResult({ ok: false, text: toShownError(error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <span className="launcher">
      <select
        className="select select--small mono"
        value={scheme}
        onChange={(event) => setChosen(event.target.value as Scheme)}
        aria-label={`Scheme for ${serviceId}`}
        disabled={disabled}
      >
        <option value="http">http</option>
        <option value="https">https</option>
      </select>
      <button
        type="button"
        className="button button--small"
        onClick={() => void open()}
        disabled={disabled || busy}
        aria-label={`Open ${serviceId} in the browser`}
        data-testid={`open-browser-${serviceId}`}
      >
        <Icon name="external" />
        Open in browser
      </button>
    </span>
  );
}

function SshLauncher({ session, serviceId, disabled, onResult }: LauncherProps) {
  const api = useApi();
  const remembered = useSettingsStore((state) => state.settings?.sshUsers[session.name]);
  const [typed, setTyped] = useState<string | null>(null);
  const user = typed ?? remembered ?? '';
  const [busy, setBusy] = useState(false);
  const noUser = user.trim() === '';

  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    try {
      onResult({ ok: true, text: await action() });
    } catch (error) {
      onResult({ ok: false, text: toShownError(error).message });
    } finally {
      setBusy(false);
    }
  };

  const openSsh = () =>
    run(async () => {
      const { command, terminal } = await api.openSsh({ sessionId: session.id, serviceId, user });
      return `Opened ${terminal}: ${command}`;
    });

  const copy = () =>
    run(async () => {
      const { command } = await api.getSshCommand({ sessionId: session.id, serviceId, user });
      await copyText(command);
      return `Copied: ${command}`;
    });

  return (
    <span className="launcher">
      <input
        className="input input--small input--mono input--user"
        value={user}
        onChange={(event) => setTyped(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !noUser && !disabled) void openSsh();
        }}
        placeholder="user"
        aria-label={`SSH user for ${session.name}`}
        autoComplete="off"
        spellCheck={false}
        disabled={disabled}
        data-testid={`ssh-user-${serviceId}`}
      />
      <button
        type="button"
        className="button button--small"
        onClick={() => void openSsh()}
        disabled={disabled || busy || noUser}
        aria-label={`Open SSH to ${serviceId}`}
        data-testid={`open-ssh-${serviceId}`}
      >
        <Icon name="terminal" />
        Open SSH
      </button>
      <button
        type="button"
        className="button button--small button--quiet"
        onClick={() => void copy()}
        disabled={disabled || busy || noUser}
        aria-label={`Copy the SSH command for ${serviceId}`}
        data-testid={`copy-ssh-${serviceId}`}
      >
        <Icon name="copy" />
        Copy command
      </button>
    </span>
  );
}
