/**
 * Import and export of the reference localproxy's .ini mapping files (`SSH1 = 3333`). The
 * file is read in the renderer with the File API and parsed by main, with main's rules; the
 * export is main's text, saved through a download.
 */
import { useId, useState } from 'react';
import type { ServiceMapping, SessionView } from '../../../../src-main/ipc/contract.js';
import { useApi } from '../../api/api-context';
import { toShownError } from '../../lib/app-error';
import { downloadText, readFileText } from '../../lib/download';
import { Icon } from '../common/Icon';

interface MappingFileActionsProps {
  readonly session?: SessionView;
  readonly onImport: (mappings: readonly ServiceMapping[], fileName: string) => void;
  readonly disabled?: boolean;
}

export function MappingFileActions({ session, onImport, disabled }: MappingFileActionsProps) {
  const api = useApi();
  const inputId = useId();
  const [error, setError] = useState<string | null>(null);

  const importFile = async (file: File) => {
    setError(null);
    try {
      const mappings = await api.parseMappingFile({
        fileName: file.name,
        text: await readFileText(file),
      });
      onImport(mappings, file.name);
    } catch (failure) {
      setError(`${file.name}: ${toShownError(failure).message}`);
    }
  };

  const exportFile = async () => {
    if (!session) return;
    setError(null);
    try {
      const { fileName, text } = await api.exportMappingFile({ sessionId: session.id });
      downloadText(fileName, text);
    } catch (failure) {
      setError(toShownError(failure).message);
    }
  };

  return (
    <div className="file-actions">
      {/* The visible control is the label; the file input stays in the tab order, hidden. */}
      <input
        id={inputId}
        className="visually-hidden-input"
        type="file"
        accept=".ini,.conf,.txt,text/plain"
        disabled={disabled}
        data-testid="import-mapping-file"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) void importFile(file);
        }}
      />
      <label
        htmlFor={inputId}
        className={`button button--small${disabled ? ' button--disabled' : ''}`}
      >
        <Icon name="upload" />
        Import .ini
      </label>
      {session ? (
        <button
          type="button"
          className="button button--small"
          onClick={() => void exportFile()}
          data-testid="export-mapping-file"
        >
          <Icon name="download" />
          Export .ini
        </button>
      ) : null}
      {error ? (
        <p className="inline-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
