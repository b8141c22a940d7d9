/**
 * "Open in browser", "Open SSH" and "Copy command" for one service. Main builds the URL or
 * command from its own record of the port; the renderer only names the tunnel and the
 * service. Each says "Opening…" while it runs and "Opened" only once something opened: in
 * browser mode this page opens the device page itself (a new tab), and a failed terminal is
 * an error naming the problem, with "Copy command". The scheme and the SSH user are
 * remembered by main (settings).
 */
import { useId, useState } from 'react';
import type { SessionView } from '../../../../src-main/ipc/contract.js';
import { useApi } from '../../api/api-context';
import { toShownError } from '../../lib/app-error';
import { copyText } from '../../lib/clipboard';
import { launchFailure, type LaunchFailure } from '../../lib/launch-words';
import { schemeKey, serviceKind } from '../../lib/services';
import { useSettingsStore } from '../../stores/settings-store';
import { ErrorText } from '../common/ErrorText';
import { Icon } from '../common/Icon';

type Scheme = 'http' | 'https';

/** What the last launch did; `opening` while main (or the page) is at it. */
export type LaunchResult =
  | { readonly kind: 'opening'; readonly text: string }
  | { readonly kind: 'done'; readonly text: string }
  | ({ readonly kind: 'failed' } & LaunchFailure)
  | null;

interface ServiceLaunchersProps {
  readonly session: SessionView;
  readonly serviceId: string;
  readonly listening: boolean;
}

export function ServiceLaunchers({ session, serviceId, listening }: ServiceLaunchersProps) {
  const kind = serviceKind(serviceId);
  const [result, setResult] = useState<LaunchResult>(null);
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
      <LaunchResultText result={result} serviceId={serviceId} onResult={setResult} />
    </div>
  );
}

function LaunchResultText({
  result,
  serviceId,
  onResult,
}: {
  readonly result: LaunchResult;
  readonly serviceId: string;
  readonly onResult: (result: LaunchResult) => void;
}) {
  const failed = result?.kind === 'failed' ? result : null;
  const copyInstead = async (command: string) => {
    try {
      await copyText(command);
      onResult({ kind: 'done', text: `Copied: ${command}` });
    } catch (error) {
      onResult({ kind: 'failed', summary: toShownError(error).message, details: null, command });
    }
  };
  return (
    <div
      className={`launchers__result${failed ? ' launchers__result--error' : ''}`}
      aria-live="polite"
      data-testid={`launch-result-${serviceId}`}
      data-kind={result?.kind ?? 'none'}
    >
      {failed ? (
        <ErrorText
          summary={failed.summary}
          details={failed.details}
          actions={
            failed.command ? (
              <button
                type="button"
                className="button button--small"
                onClick={() => void copyInstead(failed.command!)}
                data-testid={`copy-instead-${serviceId}`}
              >
                <Icon name="copy" />
                Copy command
              </button>
            ) : null
          }
        />
      ) : result && result.kind !== 'failed' ? (
        result.text
      ) : null}
    </div>
  );
}

interface LauncherProps {
  readonly session: SessionView;
  readonly serviceId: string;
  readonly disabled: boolean;
  readonly onResult: (result: LaunchResult) => void;
}

/**
 * Opens `url` in a new tab of this browser; false when the browser blocked it (a pop-up
 * blocker). The tab gets no handle back on this page.
 */
export function openInNewTab(url: string): boolean {
  const tab = window.open(url, '_blank');
  if (!tab) return false;
  tab.opener = null;
  return true;
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
    onResult({ kind: 'opening', text: 'Opening…' });
    try {
      const { url, openedBy } = await api.openInBrowser({
        sessionId: session.id,
        serviceId,
        scheme,
      });
      if (openedBy === 'app') {
        onResult({ kind: 'done', text: `Opened ${url}` });
      } else if (openInNewTab(url)) {
        onResult({ kind: 'done', text: `Opened ${url} in a new tab` });
      } else {
        onResult({
          kind: 'failed',
          summary:
            'This browser blocked the new tab: allow pop-ups for this page, or copy the URL.',
          details: null,
          command: url,
        });
      }
    } catch (error) {
      onResult({ kind: 'failed', ...launchFailure(toShownError(error), 'browser') });
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
        aria-label={`Open in browser: ${serviceId}`}
        data-testid={`open-browser-${serviceId}`}
      >
        <Icon name="external" />
        {busy ? 'Opening…' : 'Open in browser'}
      </button>
    </span>
  );
}

function SshLauncher({ session, serviceId, disabled, onResult }: LauncherProps) {
  const api = useApi();
  const hintId = useId();
  const remembered = useSettingsStore((state) => state.settings?.sshUsers[session.name]);
  const [typed, setTyped] = useState<string | null>(null);
  const user = typed ?? remembered ?? '';
  const [busy, setBusy] = useState<'open' | 'copy' | null>(null);
  const noUser = user.trim() === '';

  const openSsh = async () => {
    setBusy('open');
    onResult({ kind: 'opening', text: 'Opening a terminal…' });
    try {
      const { command, terminal } = await api.openSsh({ sessionId: session.id, serviceId, user });
      onResult({ kind: 'done', text: `Opened ${terminal}: ${command}` });
    } catch (error) {
      onResult({ kind: 'failed', ...launchFailure(toShownError(error), 'terminal') });
    } finally {
      setBusy(null);
    }
  };

  const copy = async () => {
    setBusy('copy');
    try {
      const { command } = await api.getSshCommand({ sessionId: session.id, serviceId, user });
      await copyText(command);
      onResult({ kind: 'done', text: `Copied: ${command}` });
    } catch (error) {
      onResult({
        kind: 'failed',
        summary: toShownError(error).message,
        details: null,
        command: null,
      });
    } finally {
      setBusy(null);
    }
  };

  const whyDisabled = disabled
    ? 'The service is not listening.'
    : noUser
      ? 'Type the user to log in as on the device first.'
      : undefined;
  return (
    <span className="launcher">
      <input
        className="input input--small input--mono input--user"
        value={user}
        onChange={(event) => setTyped(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !noUser && !disabled) void openSsh();
        }}
        placeholder="device user"
        aria-label={`SSH user on ${session.name}`}
        aria-describedby={hintId}
        title="The user ssh logs in as on the device (e.g. pi, ubuntu, root)"
        autoComplete="off"
        spellCheck={false}
        disabled={disabled}
        data-testid={`ssh-user-${serviceId}`}
      />
      <button
        type="button"
        className="button button--small"
        onClick={() => void openSsh()}
        disabled={disabled || busy !== null || noUser}
        aria-label={`Open SSH: ${serviceId}`}
        aria-describedby={whyDisabled ? hintId : undefined}
        title={whyDisabled}
        data-testid={`open-ssh-${serviceId}`}
      >
        <Icon name="terminal" />
        {busy === 'open' ? 'Opening…' : 'Open SSH'}
      </button>
      <button
        type="button"
        className="button button--small button--quiet"
        onClick={() => void copy()}
        disabled={disabled || busy !== null || noUser}
        aria-label={`Copy command: ssh to ${serviceId}`}
        aria-describedby={whyDisabled ? hintId : undefined}
        title={whyDisabled}
        data-testid={`copy-ssh-${serviceId}`}
      >
        <Icon name="copy" />
        Copy command
      </button>
      <span
        id={hintId}
        className={whyDisabled ? 'launcher__hint' : 'visually-hidden'}
        data-testid={`ssh-hint-${serviceId}`}
      >
        {whyDisabled ?? 'ssh logs in as this user on the device'}
      </span>
    </span>
  );
}
