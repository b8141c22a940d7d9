import type { Tone } from '../../lib/session-state';

/** A coloured dot; decorative, the text beside it carries the meaning. */
export function StatusDot({ tone, pulse }: { readonly tone: Tone; readonly pulse?: boolean }) {
  return <span className={`dot dot--${tone}${pulse ? ' dot--pulse' : ''}`} aria-hidden="true" />;
}
