import { describe, expect, it } from 'vitest';
import { CLOSE_CAUSE_SAMPLES } from '../../../src-main/ipc/test-support/close-cause-samples.js';
import { closeDetails, closeSummary } from './close-words';

describe("a close cause in the UI's words", () => {
  it.each(Object.values(CLOSE_CAUSE_SAMPLES))('$kind is one sentence with no CLI flag', (cause) => {
    const summary = closeSummary(cause);
    expect(summary).toMatch(/\.$/);
    expect(summary).not.toMatch(/(^|\s)-[a-z]\b|--config-dir/);
  });

  it('names the field or switch to change', () => {
    expect(closeSummary(CLOSE_CAUSE_SAMPLES.tls)).toMatch(
      /choose a CA file, or turn off Verify TLS/,
    );
    expect(closeSummary(CLOSE_CAUSE_SAMPLES.dns)).toMatch(/check Region or Endpoint/);
  });

  it("keeps the service's own words for the details", () => {
    expect(closeDetails(CLOSE_CAUSE_SAMPLES['token-refused'])).toBe(
      'The service said: "spent" · channel-id c-1',
    );
    expect(closeDetails(CLOSE_CAUSE_SAMPLES.refused)).toBeNull();
  });
});
