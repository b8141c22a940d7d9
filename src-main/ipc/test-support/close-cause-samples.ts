/** Test data: one close cause of every kind, for the tests of each edge's words. */
import type { CloseCause } from '../contract.js';

/** One cause of every kind (the record's type makes a missing kind a compile error). */
export const CLOSE_CAUSE_SAMPLES: {
  readonly [K in CloseCause['kind']]: Extract<CloseCause, { kind: K }>;
} = {
  'token-refused': { kind: 'token-refused', status: 403, detail: 'spent', channelId: 'c-1' },
  'handshake-rejected': { kind: 'handshake-rejected', status: 404, detail: '', channelId: null },
  dns: { kind: 'dns', endpoint: 'nowhere.invalid:443', temporary: false },
  refused: { kind: 'refused', endpoint: '127.0.0.1:9' },
  timeout: { kind: 'timeout', endpoint: '127.0.0.1:9', phase: 'handshake' },
  unreachable: { kind: 'unreachable', endpoint: '10.9.9.9:443' },
  'peer-reset': { kind: 'peer-reset', endpoint: '127.0.0.1:9' },
  'proxy-unreachable': {
    kind: 'proxy-unreachable',
    proxy: 'http://proxy.example.com:3128/',
    code: 'ECONNREFUSED',
  },
  network: { kind: 'network', endpoint: '127.0.0.1:9', code: null, detail: 'odd' },
  tls: {
    kind: 'tls',
    endpoint: '127.0.0.1:8443',
    problem: 'untrusted',
    code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    detail: 'self-signed certificate',
  },
  'bad-subprotocol': { kind: 'bad-subprotocol', chosen: 'chat' },
  protocol: { kind: 'protocol', code: 'text-frame', detail: 'a text message' },
  'closed-by-service': { kind: 'closed-by-service', wsCode: 1011, detail: 'bye' },
  'ping-timeout': { kind: 'ping-timeout', silentSeconds: 11 },
  'reconnect-requested': { kind: 'reconnect-requested' },
  'services-mismatch': {
    kind: 'services-mismatch',
    tunnelServices: ['SSH1', 'HTTP1'],
    unmapped: ['HTTP1'],
    unknown: [],
  },
  'local-failure': { kind: 'local-failure', detail: 'port 5555 is already in use' },
  closed: { kind: 'closed', by: 'operator' },
};
