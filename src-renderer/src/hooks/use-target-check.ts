/**
 * Checks the connect form's Region or Endpoint as it is typed, by main's checkTarget (the
 * CLI's own rules), debounced like the mapping rows. Empty text is not checked: the submit
 * says what is missing.
 */
import { useEffect, useState } from 'react';
import { useApi } from '../api/api-context';
import { CHECK_DELAY_MS } from './use-mapping-check';

/** The problem with the text as typed, once main answered for that very text. */
export function useTargetCheck(
  kind: 'region' | 'endpoint',
  text: string,
  delayMs = CHECK_DELAY_MS,
): string | undefined {
  const api = useApi();
  const key = `${kind}\u0000${text}`;
  const [answer, setAnswer] = useState<{ key: string; message: string | undefined } | null>(null);

  useEffect(() => {
    if (text.trim() === '') return;
    let cancelled = false;
    const timer = setTimeout(() => {
      api
        .checkTarget(kind === 'region' ? { kind, region: text } : { kind, endpoint: text })
        .then((check) => {
          if (!cancelled) setAnswer({ key, message: check.ok ? undefined : check.message });
        })
        // The transport's own banner says why.
        .catch(() => {});
    }, delayMs);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, kind, text, key, delayMs]);

  return text.trim() !== '' && answer?.key === key ? answer.message : undefined;
}
