/**
 * The token form's CA certificates: a PEM file or a folder of them, trusted beside the
 * system's (a service behind a private CA). The path is typed (browser mode has no file
 * dialog of its own machine's files) and checked by main as it is typed, saying how many
 * certificates it found; the desktop app adds "Choose file…" / "Choose folder…" with the
 * system's dialog.
 */
import { useEffect, useState } from 'react';
import { useApi } from '../../api/api-context';
import { CHECK_DELAY_MS } from '../../hooks/use-mapping-check';
import { toShownError } from '../../lib/app-error';
import { useConnectionStore } from '../../stores/connection-store';
import { Field } from '../common/Field';

type CaCheck =
  { readonly ok: true; readonly certificates: number } | { ok: false; message: string };

export function CaPathField({
  value,
  onChange,
  error,
}: {
  readonly value: string;
  readonly onChange: (value: string) => void;
  /** Main's refusal on submit (field `caPath`). */
  readonly error: string | undefined;
}) {
  const api = useApi();
  const desktop = useConnectionStore((state) => state.appInfo?.runtime === 'electron');
  const [check, setCheck] = useState<{ path: string; result: CaCheck } | null>(null);
  const [pickError, setPickError] = useState<string | null>(null);

  useEffect(() => {
    const path = value.trim();
    if (path === '') return;
    let cancelled = false;
    const timer = setTimeout(() => {
      api
        .checkCaPath({ path })
        .then((result) => {
          if (!cancelled) setCheck({ path, result });
        })
        .catch(() => {});
    }, CHECK_DELAY_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, value]);

  const pick = async (kind: 'file' | 'folder') => {
    setPickError(null);
    try {
      const { path } = await api.pickCaPath({ kind });
      if (path) onChange(path);
    } catch (failure) {
      setPickError(toShownError(failure).message);
    }
  };

  const current = value.trim() !== '' && check?.path === value.trim() ? check.result : null;
  const shownError = error ?? (current && !current.ok ? current.message : undefined) ?? pickError;
  const hint =
    current?.ok === true
      ? `${current.certificates} certificate${current.certificates === 1 ? '' : 's'} found; trusted beside the system’s.`
      : 'Optional: a PEM file, or a folder of them, for a service behind a private CA.';
  return (
    <div className="ca-path">
      <Field label="CA certificates" hint={hint} error={shownError ?? undefined}>
        <input
          className="input input--mono"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          placeholder="/path/to/ca.pem or a folder"
          autoComplete="off"
          spellCheck={false}
          data-testid="token-ca-path"
        />
      </Field>
      {desktop ? (
        <div className="ca-path__pick">
          <button type="button" className="button button--small" onClick={() => void pick('file')}>
            Choose file…
          </button>
          <button
            type="button"
            className="button button--small"
            onClick={() => void pick('folder')}
          >
            Choose folder…
          </button>
        </div>
      ) : null}
    </div>
  );
}
