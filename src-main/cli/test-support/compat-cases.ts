/**
 * The compatibility table: how an operator calls the reference localproxy (flags, settings,
 * environment, config files, bad input, retry and outage behaviour), one row per case. Each
 * runs against a program (ours as `tunneldesk ARGS`, with no subcommand, as a unit file
 * written for the reference would; the reference as `localproxy ARGS`) and its outcome class
 * is compared with the reference's, recorded in localproxy-outcomes.json.
 *
 * Placeholders in args, env and files: {SERVICE} the local tunnel service (TLS, self-signed:
 * cases add -k), {PORT} a free port for a source to listen on, {BUSY} a port held by another
 * listener, {DEAD} a port nothing listens on, {DIR} the case's directory.
 */

/** What came of a run: an exit (with its code), or still running (and traffic, if tried). */
export type OutcomeClass = `exit ${number}` | 'runs' | 'runs, traffic' | 'runs, no traffic';

export interface CompatCase {
  readonly name: string;
  readonly args: readonly string[];
  /** A destination case: it is given the destination's token. */
  readonly destination?: boolean;
  /**
   * A usage mistake, refused before anything starts: we exit 2 where the reference exits 1
   * (2 is the usage error of getopt tools; 1 stays for a tunnel that failed for good).
   */
  readonly usage?: boolean;
  /** Extra environment; the access token is the case's own unless `noToken`. */
  readonly env?: Readonly<Record<string, string>>;
  readonly noToken?: boolean;
  /** The token is one the service refuses. */
  readonly wrongToken?: boolean;
  /** Files written in the case's directory (its working directory). */
  readonly files?: Readonly<Record<string, string>>;
  /** A source case: a destination is on the tunnel, and an echo through {PORT} is tried. */
  readonly traffic?: boolean;
  /**
   * Where ours differs from the reference on purpose: our outcome, and why ('better' when
   * the difference is one the issue asks for, 'differs' otherwise).
   */
  readonly ours?: {
    readonly outcome: OutcomeClass;
    readonly kind: 'better' | 'differs';
    readonly why: string;
  };
}

const SERVICE = ['-e', '{SERVICE}', '-k'];
const SOURCE = [...SERVICE, '-s', 'ECHO1={PORT}'];

export const COMPAT_CASES: readonly CompatCase[] = [
  { name: 'help', args: ['-h'] },
  { name: 'version', args: ['-V'] },
  { name: 'export default settings', args: ['--export-default-settings', '{DIR}/d.json'] },
  { name: 'source carries traffic', args: SOURCE, traffic: true },
  {
    name: 'options from a --config file',
    args: ['--config', 'proxy.ini'],
    files: {
      'proxy.ini':
        'proxy-endpoint = {SERVICE}\nsource-listen-port = ECHO1={PORT}\nno-ssl-host-verify = true\n',
    },
    traffic: true,
  },
  {
    name: 'endpoint from AWSIOT_TUNNEL_ENDPOINT',
    args: ['-k', '-s', 'ECHO1={PORT}'],
    env: { AWSIOT_TUNNEL_ENDPOINT: '{SERVICE}' },
    traffic: true,
  },
  {
    name: 'settings-json: the reference export',
    args: [...SOURCE, '--settings-json', 'ref.json'],
    files: { 'ref.json': 'REFERENCE_DEFAULT_SETTINGS' },
    traffic: true,
  },
  {
    name: 'settings-json: an unknown key',
    args: [...SOURCE, '--settings-json', 's.json'],
    files: { 's.json': '{"tunneling":{"proxy":{"websocket":{"retry_delay":"5"}}}}' },
    ours: {
      outcome: 'exit 2',
      kind: 'better',
      why: 'a misspelt key is named and refused; the reference ignores it in silence',
    },
  },
  {
    usage: true,
    name: 'settings-json: not JSON',
    args: [...SOURCE, '--settings-json', 's.json'],
    files: { 's.json': '{ "tunneling": ' },
  },
  {
    name: 'destination runs',
    args: [...SERVICE, '-d', 'ECHO1=127.0.0.1:{DEAD}'],
    destination: true,
  },
  { usage: true, name: 'no access token', args: SOURCE, noToken: true },
  {
    usage: true,
    name: 'both -r and -e',
    args: ['-r', 'us-east-1', ...SOURCE],
  },
  { usage: true, name: 'neither -r nor -e', args: ['-k', '-s', 'ECHO1={PORT}'] },
  { usage: true, name: 'both -s and -d', args: [...SOURCE, '-d', 'ECHO1=22'] },
  { usage: true, name: 'a mapping that is not a port', args: [...SERVICE, '-s', 'ECHO1=notaport'] },
  { usage: true, name: 'an unknown option', args: [...SOURCE, '--bogus'] },
  {
    name: 'a log level out of range',
    args: [...SOURCE, '-v', '300'],
    ours: {
      outcome: 'exit 2',
      kind: 'better',
      why: 'the reference takes -v 300 as a level (uint16) and runs; we name the range 0 to 255',
    },
  },
  {
    usage: true,
    name: 'HTTPS_PROXY not a URL',
    args: SOURCE,
    env: { HTTPS_PROXY: 'http://[::1' },
  },
  {
    name: 'endpoint host does not resolve (retried)',
    args: ['-e', 'no-such-host.invalid', '-s', 'ECHO1={PORT}'],
  },
  {
    name: 'nothing listens at the endpoint (retried)',
    args: ['-e', '127.0.0.1:{DEAD}', '-k', '-s', 'ECHO1={PORT}'],
  },
  {
    name: 'TLS not trusted (retried)',
    args: ['-e', '{SERVICE}', '-s', 'ECHO1={PORT}'],
  },
  {
    name: 'the service refuses the token',
    args: SOURCE,
    wrongToken: true,
    ours: {
      outcome: 'exit 1',
      kind: 'better',
      why: 'a refused token ends with exit 1, so a supervisor sees the failure; the reference exits 0',
    },
  },
  {
    usage: true,
    name: 'listen port in use, no retries',
    args: [...SERVICE, '-s', 'ECHO1={BUSY}', '--settings-json', 's.json'],
    files: { 's.json': '{"tunneling":{"proxy":{"tcp":{"connection_retry_count":"0"}}}}' },
  },
  {
    usage: true,
    name: 'listen port in use, retried twice 0.5 s apart',
    args: [...SERVICE, '-s', 'ECHO1={BUSY}', '--settings-json', 's.json'],
    files: {
      's.json':
        '{"tunneling":{"proxy":{"tcp":{"connection_retry_count":"2","connection_retry_delay_ms":"500"}}}}',
    },
  },
];
