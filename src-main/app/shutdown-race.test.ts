/**
 * Quitting at any moment: TunnelDeskApp.shutdown() while "Open sandbox" is in flight (the
 * sandbox starting, OpenTunnel on its way, the session binding its port, the tunnel
 * connecting) leaves no listener open, in this process or on the tunnel's port, whatever
 * the moment it begins.
 */
import { describe, expect, it } from 'vitest';
import { isPortFree, unusedPort, waitFor } from '../core/test-support/local-servers.js';
import type { TunnelDeskApp } from './app.js';
import { testApp } from './test-support/test-environment.js';

/** Listening sockets of this process (Node's own view of its handles). */
function listeners(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPServerWrap').length;
}

/** Opens a sandbox tunnel on `port` and quits at `when`; resolves with how the open ended. */
async function quitWhileOpening(
  port: number,
  when: { afterMs: number } | { atLog: RegExp },
): Promise<{ outcome: string; app: TunnelDeskApp }> {
  let quitting: Promise<void> | undefined;
  const { app } = testApp({
    // Log records reach the tee synchronously, at the very moment they are written.
    logTee: (record) => {
      if ('atLog' in when && !quitting && when.atLog.test(record.message)) {
        quitting = app.shutdown();
      }
    },
  });
  const outcome = app
    .openSandbox({ services: [{ serviceId: 'HTTP1', port, bindAddress: '127.0.0.1' }] })
    .then(
      () => 'opened',
      (error: Error) => error.message,
    );
  if ('afterMs' in when) {
    await new Promise((resolve) => setTimeout(resolve, when.afterMs));
    quitting = app.shutdown();
  } else {
    await waitFor(() => quitting !== undefined, 5_000, `the log line ${when.atLog}`);
  }
  await quitting;
  return { outcome: await outcome, app };
}

describe('TunnelDeskApp.shutdown() while a tunnel is being opened', () => {
  it.each([
    // Before anything ran; while the sandbox makes its certificate and starts; once open.
    ['0 ms in', { afterMs: 0 }],
    ['60 ms in', { afterMs: 60 }],
    ['700 ms in', { afterMs: 700 }],
    // The moment the sandbox answers OpenTunnel, and the moment the session has bound its
    // port and starts connecting (before the app has it in its list of sessions).
    ['as OpenTunnel is answered', { atLog: /OpenTunnel: answered/ }],
    ['as the session connects', { atLog: /^connecting to .* as source/ }],
  ] as const)('leaves no listener open when quitting %s', async (_when, when) => {
    const baseline = listeners();
    const port = await unusedPort();
    const { outcome, app } = await quitWhileOpening(port, when);
    // Opened before the quit (then closed by it), or refused because the app is quitting.
    expect(outcome).toMatch(/^(opened|the app is quitting)$/);
    expect(app.listSessions().every((s) => s.state.kind === 'closed')).toBe(true);
    expect(await isPortFree(port)).toBe(true);
    // (At most the baseline: a listener of the test before may have finished closing.)
    await waitFor(() => listeners() <= baseline, 2_000, 'every listener of the app to close');
    // And nothing opens later: a second look after the event loop has turned a few times.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(listeners()).toBeLessThanOrEqual(baseline);
    expect(await isPortFree(port)).toBe(true);
  });
});
