/**
 * `tunneldesk proxy -s SSH1=stdio` as ssh's ProxyCommand, with a real OpenSSH server behind
 * a real destination proxy and the local tunnel service: no listening port on the source
 * side, only protocol bytes on stdout. Needs the build and /usr/sbin/sshd (.ci/run installs
 * it); when sshd cannot run, the test fails with the reason rather than skipping quietly.
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { unusedPort } from '../core/test-support/local-servers.js';
import { startTunneldesk, type Proc } from '../core/test-support/processes.js';
import { startSshd, sshUnavailable, type TestSshd } from './test-support/sshd.js';
import { runTool } from './test-support/ssh-run.js';

const BIN = join(import.meta.dirname, '../../bin/tunneldesk.js');
const procs: Proc[] = [];
const servers: TestSshd[] = [];
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function tunnelToSshd(): Promise<{ sshd: TestSshd; servicePort: number }> {
  const missing = sshUnavailable();
  if (missing) throw new Error(`cannot run the OpenSSH tests: ${missing}`);
  const sshd = await startSshd();
  servers.push(sshd);
  const servicePort = await unusedPort();
  const service = startTunneldesk([
    'service',
    '--port',
    String(servicePort),
    '--tunnel',
    'box:BOX_SRC_TOKEN:BOX_DST_TOKEN:SSH1',
  ]);
  procs.push(service);
  await service.waitFor(/listening on wss:\/\/127\.0\.0\.1/);
  const device = startTunneldesk(
    ['proxy', '-e', `127.0.0.1:${servicePort}`, '-k', '-d', `SSH1=${sshd.port}`],
    { AWSIOT_TUNNEL_ACCESS_TOKEN: 'BOX_DST_TOKEN' },
  );
  procs.push(device);
  await device.waitFor(/ready: SSH1 -> /);
  return { sshd, servicePort };
}

describe('tunneldesk proxy -s SSH1=stdio (ssh ProxyCommand)', () => {
  it('carries a real ssh session over stdin/stdout and exits 0 after it', async () => {
    expect(existsSync(BIN)).toBe(true);
    const { sshd, servicePort } = await tunnelToSshd();
    const proxyCommand = `${process.execPath} ${BIN} proxy -e 127.0.0.1:${servicePort} -k -s SSH1=stdio`;
    const result = await runTool(
      'ssh',
      [
        ...sshd.clientArgs,
        '-o',
        `ProxyCommand=${proxyCommand}`,
        '-o',
        'HostKeyAlias=box',
        `${sshd.user}@box`,
        'echo remote says $((6*7)); exit 3',
      ],
      { AWSIOT_TUNNEL_ACCESS_TOKEN: 'BOX_SRC_TOKEN' },
    );
    expect(result.stdout).toBe('remote says 42\n');
    expect(result.code).toBe(3);
    // The proxy's log lines went to stderr (ssh passes them on), never into the protocol.
    expect(result.stderr).not.toMatch(/Bad packet|protocol error|Connection corrupted/i);
  });
});
