import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, type ProxyConfig } from '../core/config/proxy-config.js';
import { LogLevel } from '../core/log/logger.js';
import { parseProxyArgs, renderProxyHelp } from './proxy-options.js';

const TOKEN = 'ACCESS_TOKEN_FROM_ENV';
const CLIENT = 'abcdefgh-1234-5678-9012-abcdefghijkl';

let cwd: string;

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'tunneldesk-options-'));
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

function write(rel: string, text: string): string {
  const path = join(cwd, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** Parses and expects a run; returns the config and warnings. */
function run(
  argv: string[],
  env: Record<string, string | undefined> = { AWSIOT_TUNNEL_ACCESS_TOKEN: TOKEN },
): { config: ProxyConfig; warnings: string[] } {
  const result = parseProxyArgs(argv, env, cwd);
  if (result.kind !== 'run') throw new Error(`expected a run, got ${result.kind}`);
  return result;
}

function messageOf(
  argv: string[],
  env: Record<string, string | undefined> = { AWSIOT_TUNNEL_ACCESS_TOKEN: TOKEN },
): string {
  try {
    parseProxyArgs(argv, env, cwd);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseProxyArgs: a plain run', () => {
  it('builds a source config from -r and -s with the defaults', () => {
    const { config, warnings } = run(['-r', 'us-east-1', '-s', 'SSH1=5555,HTTP1=0']);
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      mode: 'source',
      accessToken: TOKEN,
      clientTokenGenerated: true,
      endpoint: {
        host: 'data.tunneling.iot.us-east-1.amazonaws.com',
        port: 443,
        secure: true,
      },
      tls: { verify: true },
      mappings: {
        mode: 'source',
        ports: new Map([
          ['SSH1', 5555],
          ['HTTP1', 0],
        ]),
      },
      mappingFiles: [],
      peerVersion: 'V3',
      logLevel: LogLevel.Info,
    });
    expect(config.bindAddress).toBeUndefined();
    expect(config.tls.caPath).toBeUndefined();
  });

  it('generates a UUIDv4 client token when none is given', () => {
    const first = run(['-r', 'us-east-1', '-s', '5555']).config;
    const second = run(['-r', 'us-east-1', '-s', '5555']).config;
    const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(first.clientToken).toMatch(uuidV4);
    expect(first.clientTokenGenerated).toBe(true);
    expect(second.clientToken).not.toBe(first.clientToken);
  });

  it('keeps a given client token', () => {
    const { config } = run(['-r', 'us-east-1', '-s', '5555', '-i', CLIENT]);
    expect(config.clientToken).toBe(CLIENT);
    expect(config.clientTokenGenerated).toBe(false);
  });

  it('reads the V1 forms of -s and -d', () => {
    expect(run(['-r', 'us-east-1', '-s', ' 5555 ']).config.mappings).toEqual({
      mode: 'source',
      ports: new Map([['', 5555]]),
    });
    expect(run(['-r', 'us-east-1', '-d', 'localhost:22']).config.mappings).toEqual({
      mode: 'destination',
      targets: new Map([['', { kind: 'tcp', host: 'localhost', port: 22 }]]),
    });
    expect(run(['-r', 'us-east-1', '-d', '22']).config.mappings).toEqual({
      mode: 'destination',
      targets: new Map([['', { kind: 'tcp', host: 'localhost', port: 22 }]]),
    });
  });

  it('takes every flag in its long form too', () => {
    write('ca/root.pem', '');
    const { config } = run([
      '--access-token',
      'T',
      '--client-token',
      CLIENT,
      '--proxy-endpoint',
      'Example.COM:8443',
      '--destination-app',
      'SSH1=22',
      '--local-bind-address',
      '[::1]',
      '--capath',
      'ca',
      '--no-ssl-host-verify',
      '--verbose',
      '9',
      '--mode',
      'destination',
    ]);
    expect(config).toMatchObject({
      mode: 'destination',
      accessToken: 'T',
      clientToken: CLIENT,
      endpoint: { host: 'example.com', port: 8443, secure: true, origin: '-e/--proxy-endpoint' },
      bindAddress: '::1',
      tls: { verify: false, caPath: join(cwd, 'ca') },
      logLevel: LogLevel.Trace,
    });
  });

  it('sets tls.verify=false with -k, and leaves it on without', () => {
    expect(run(['-r', 'us-east-1', '-s', '1', '-k']).config.tls.verify).toBe(false);
    expect(run(['-r', 'us-east-1', '-s', '1']).config.tls.verify).toBe(true);
    expect(run(['-kr', 'us-east-1', '-s', '1']).config.tls.verify).toBe(false);
  });

  it('maps -v onto the log levels, 0 to 255', () => {
    expect(run(['-r', 'us-east-1', '-s', '1', '-v', '0']).config.logLevel).toBe(LogLevel.Off);
    expect(run(['-r', 'us-east-1', '-s', '1', '-v', '5']).config.logLevel).toBe(LogLevel.Debug);
    expect(run(['-r', 'us-east-1', '-s', '1', '-v', '255']).config.logLevel).toBe(LogLevel.Trace);
  });

  it('accepts -m alone (source: any free ports) and every mode spelling', () => {
    expect(run(['-r', 'us-east-1', '-m', 'src']).config.mappings).toEqual({
      mode: 'source',
      ports: new Map(),
    });
    expect(run(['-r', 'us-east-1', '-m', 'source']).config.mode).toBe('source');
    write('config/d.ini', 'SSH1 = 22\n');
    expect(run(['-r', 'us-east-1', '-m', 'dst']).config.mode).toBe('destination');
    expect(run(['-r', 'us-east-1', '-m', 'destination']).config.mode).toBe('destination');
    expect(run(['-r', 'us-east-1', '-s', '1', '-m', 'src']).config.mode).toBe('source');
  });

  it('takes -y V1/V2/V3 in source mode', () => {
    expect(run(['-r', 'us-east-1', '-s', '1', '-y', 'V1']).config.peerVersion).toBe('V1');
    expect(run(['-r', 'us-east-1', '-s', 'A=1,B=2', '-y', 'V2']).config.peerVersion).toBe('V2');
    expect(run(['-r', 'us-east-1', '-s', '1', '-y', 'v3']).config.peerVersion).toBe('V3');
  });
});

describe('parseProxyArgs: --send-order', () => {
  it('leaves the send order to the default (fair) unless given', () => {
    expect(run(['-r', 'us-east-1', '-s', '5555']).config.sendOrder).toBeUndefined();
  });

  it('takes fair or arrival, from the command line or a --config file', () => {
    expect(run(['-r', 'us-east-1', '-s', '5555', '--send-order', 'arrival']).config.sendOrder).toBe(
      'arrival',
    );
    expect(run(['-r', 'us-east-1', '-d', '22', '--send-order', 'FAIR']).config.sendOrder).toBe(
      'fair',
    );
    write('order.ini', 'send-order = arrival\n');
    expect(run(['-r', 'us-east-1', '-s', '5555', '--config', 'order.ini']).config.sendOrder).toBe(
      'arrival',
    );
  });

  it('refuses any other order, naming the two', () => {
    expect(messageOf(['-r', 'us-east-1', '-s', '5555', '--send-order', 'drr'])).toBe(
      '--send-order: "drr" is not a send order; write fair (the default) or arrival',
    );
  });
});

describe('parseProxyArgs: --max-connections', () => {
  it('leaves the limit to the default (1,000 per service) unless given', () => {
    expect(run(['-r', 'us-east-1', '-s', '5555']).config.maxConnectionsPerService).toBeUndefined();
  });

  it('takes a number from the command line or a --config file', () => {
    expect(
      run(['-r', 'us-east-1', '-s', '5555', '--max-connections', '50']).config
        .maxConnectionsPerService,
    ).toBe(50);
    write('limit.ini', 'max-connections = 2000\n');
    expect(
      run(['-r', 'us-east-1', '-d', '22', '--config', 'limit.ini']).config.maxConnectionsPerService,
    ).toBe(2000);
  });

  it.each(['0', '-1', 'many', '1.5', '100001'])('refuses %s, saying what is allowed', (value) => {
    expect(messageOf(['-r', 'us-east-1', '-s', '5555', '--max-connections', value])).toBe(
      `--max-connections: "${value}" is not a number of connections; give 1 to 100000`,
    );
  });
});

describe('parseProxyArgs: endpoints', () => {
  it.each([
    ['us-west-2', 'data.tunneling.iot.us-west-2.amazonaws.com'],
    ['cn-north-1', 'data.tunneling.iot.cn-north-1.amazonaws.com.cn'],
    ['cn-northwest-1', 'data.tunneling.iot.cn-northwest-1.amazonaws.com.cn'],
  ])('region %s is %s:443', (region, host) => {
    expect(run(['-r', region, '-s', '1']).config.endpoint).toMatchObject({ host, port: 443 });
  });

  it.each([
    [
      'data.tunneling.iot.us-east-1.amazonaws.com',
      'data.tunneling.iot.us-east-1.amazonaws.com',
      443,
      true,
    ],
    ['127.0.0.1:8443', '127.0.0.1', 8443, true],
    ['[::1]:8443', '::1', 8443, true],
    ['[::1]', '::1', 443, true],
    ['ws://127.0.0.1:8080', '127.0.0.1', 8080, false],
    ['wss://LocalHost:9443/', 'localhost', 9443, true],
  ])('-e %s', (text, host, port, secure) => {
    expect(run(['-e', text, '-s', '1']).config.endpoint).toMatchObject({ host, port, secure });
  });

  it.each([
    ['host:0', '-e: "host:0": the port is 1 to 65535 (443 when left out)'],
    ['host:70000', '-e: "host:70000": the port is 1 to 65535 (443 when left out)'],
    ['host:', '-e: "host:": the port is 1 to 65535 (443 when left out)'],
    [
      'ho st',
      '-e: "ho st" is not an endpoint; give HOST[:PORT], e.g. data.tunneling.iot.us-east-1.amazonaws.com:443',
    ],
    [
      '::1:443',
      '-e: "::1:443" is not an endpoint; give HOST[:PORT], e.g. data.tunneling.iot.us-east-1.amazonaws.com:443 (an IPv6 address goes in brackets: [::1]:8443)',
    ],
    [
      'https://host',
      '-e: "https://host": https:// is not a tunnel scheme; leave it out (TLS), or write ws:// for a plain local test service',
    ],
  ])('rejects -e %j', (text, message) => {
    expect(messageOf(['-e', text, '-s', '1'])).toBe(message);
  });

  it('rejects a bad region', () => {
    expect(messageOf(['-r', 'US-East-1', '-s', '1'])).toBe(
      '-r: "US-East-1" is not a region; a region is lowercase letters, digits and "-", e.g. us-east-1',
    );
  });
});

describe('parseProxyArgs: rules', () => {
  it('requires an access token and says the three ways, env first', () => {
    expect(messageOf(['-r', 'us-east-1', '-s', '1'], {})).toBe(
      'no access token: set the AWSIOT_TUNNEL_ACCESS_TOKEN environment variable (recommended), ' +
        'or write "access-token = ..." in a --config file, or give -t/--access-token',
    );
  });

  it('reports the missing token before the missing endpoint, as the reference does', () => {
    expect(messageOf(['-s', '1'], {})).toMatch(/^no access token/);
  });

  it('warns when the access token comes from -t, and not otherwise', () => {
    const { warnings } = run(['-t', 'T', '-r', 'us-east-1', '-s', '1'], {});
    expect(warnings).toEqual([
      'the access token was given with -t/--access-token, where other users can see it and it stays in shell history; set AWSIOT_TUNNEL_ACCESS_TOKEN instead',
    ]);
    expect(run(['-r', 'us-east-1', '-s', '1']).warnings).toEqual([]);
  });

  it('rejects an empty or multi-line access token without echoing it', () => {
    expect(messageOf(['-t', '', '-r', 'us-east-1', '-s', '1'])).toBe(
      '-t: the access token is empty',
    );
    const message = messageOf(['-r', 'us-east-1', '-s', '1'], {
      AWSIOT_TUNNEL_ACCESS_TOKEN: 'SECRET\nline',
    });
    expect(message).toBe(
      'AWSIOT_TUNNEL_ACCESS_TOKEN: the access token holds a control character (a pasted line break?); give the token alone',
    );
    expect(message).not.toContain('SECRET');
  });

  it('requires exactly one of -e and -r, counting the environment', () => {
    expect(messageOf(['-s', '1'])).toBe(
      'no tunnel endpoint: give -r/--region (e.g. -r us-east-1) or -e/--proxy-endpoint HOST[:PORT], or set AWSIOT_TUNNEL_REGION or AWSIOT_TUNNEL_ENDPOINT',
    );
    expect(messageOf(['-r', 'us-east-1', '-e', 'host', '-s', '1'])).toBe(
      'give one of -e/--proxy-endpoint and -r/--region, not both (AWSIOT_TUNNEL_ENDPOINT and AWSIOT_TUNNEL_REGION count too): found -e/--proxy-endpoint and -r/--region',
    );
    expect(
      messageOf(['-r', 'us-east-1', '-s', '1'], {
        AWSIOT_TUNNEL_ACCESS_TOKEN: TOKEN,
        AWSIOT_TUNNEL_ENDPOINT: 'host',
      }),
    ).toBe(
      'give one of -e/--proxy-endpoint and -r/--region, not both (AWSIOT_TUNNEL_ENDPOINT and AWSIOT_TUNNEL_REGION count too): found AWSIOT_TUNNEL_ENDPOINT and -r/--region',
    );
  });

  it('refuses -s with -d, and neither -s, -d nor -m', () => {
    expect(messageOf(['-r', 'us-east-1', '-s', '1', '-d', '22'])).toBe(
      'give one of -s/--source-listen-port and -d/--destination-app, not both: -s makes a source proxy, -d a destination (found -s/--source-listen-port and -d/--destination-app)',
    );
    expect(messageOf(['-r', 'us-east-1'])).toBe(
      'say which end of the tunnel this is: -s SERVICE=PORT,... (source), -d SERVICE=HOST:PORT,... (destination), or -m src|dst',
    );
  });

  it('refuses a mode that contradicts -s or -d, and an unknown mode', () => {
    expect(messageOf(['-r', 'us-east-1', '-s', '1', '-m', 'dst'])).toBe(
      '-s/--source-listen-port makes a source proxy, but -m/--mode says destination; drop one',
    );
    expect(messageOf(['-r', 'us-east-1', '-d', '22', '-m', 'source'])).toBe(
      '-d/--destination-app makes a destination proxy, but -m/--mode says source; drop one',
    );
    expect(messageOf(['-r', 'us-east-1', '-m', 'both'])).toBe(
      '-m: "both" is not a mode; the modes are src, source, dst and destination',
    );
  });

  it('refuses a bad client token without echoing it', () => {
    for (const bad of ['short', 'x'.repeat(129), `${'a'.repeat(32)}_`]) {
      const message = messageOf(['-r', 'us-east-1', '-s', '1', '-i', bad]);
      expect(message).toMatch(
        /^-i: the client token \(\d+ characters\) is not valid; a client token is 32 to 128 letters, digits or "-"/,
      );
      expect(message).not.toContain(bad);
    }
    expect(
      messageOf(['-r', 'us-east-1', '-s', '1'], {
        AWSIOT_TUNNEL_ACCESS_TOKEN: TOKEN,
        AWSIOT_TUNNEL_CLIENT_TOKEN: 'nope',
      }),
    ).toMatch(/^AWSIOT_TUNNEL_CLIENT_TOKEN: the client token \(4 characters\) is not valid/);
  });

  it('refuses -y values other than V1, V2, V3, and -y in destination mode', () => {
    expect(messageOf(['-r', 'us-east-1', '-s', '1', '-y', 'V4'])).toBe(
      '-y: "V4" is not a client type; write V1 or V2 for an older destination, or V3 (the default)',
    );
    expect(messageOf(['-r', 'us-east-1', '-d', '22', '-y', 'V2'])).toBe(
      '-y: -y/--destination-client-type only applies to a source proxy (it names the version of the destination); a destination takes the version the source offers',
    );
  });

  it('refuses several services with -y V1', () => {
    expect(messageOf(['-r', 'us-east-1', '-s', 'A=1,B=2', '-y', 'V1'])).toBe(
      'a V1 destination (-y V1) carries a single service, but -s/--source-listen-port maps 2; map one port',
    );
  });

  it('refuses a bad -v', () => {
    for (const bad of ['256', '-1', 'loud', '']) {
      expect(messageOf(['-r', 'us-east-1', '-s', '1', '-v', bad])).toBe(
        `-v: "${bad}" is not a log level; a level is 0 to 255: 0 off, 1 fatal, 2 error, 3 warning, 4 info, 5 debug, 6 or more trace`,
      );
    }
  });

  it('refuses a bad bind address', () => {
    expect(messageOf(['-r', 'us-east-1', '-s', '1', '-b', 'not an address'])).toBe(
      '-b: "not an address" is not an address; give a host name or IP address, e.g. 127.0.0.1 or ::1',
    );
  });

  it('passes the mapping errors through with the flag', () => {
    expect(messageOf(['-r', 'us-east-1', '-s', 'SSH1=70000'])).toBe(
      '-s: "SSH1=70000": port 70000 is out of range; a port is 1 to 65535 (0 picks a free port)',
    );
    expect(messageOf(['-r', 'us-east-1', '-d', 'SSH1=22,SSH1=23'])).toBe(
      '-d: service "SSH1" is mapped twice ("SSH1=22" and "SSH1=23"); map each service once',
    );
  });

  it('refuses a destination with no targets anywhere', () => {
    expect(messageOf(['-r', 'us-east-1', '-m', 'dst'])).toBe(
      'a destination needs to know where each service goes: give -d SERVICE=HOST:PORT,... or a --config-dir of mapping files (./config is absent or empty)',
    );
  });
});

describe('parseProxyArgs: command line mistakes', () => {
  it('names an unknown option', () => {
    expect(messageOf(['-r', 'us-east-1', '-s', '1', '--regoin', 'x'])).toBe(
      `unknown option "--regoin"; did you mean --region? 'tunneldesk proxy --help' lists the options`,
    );
    expect(messageOf(['-r', 'us-east-1', '-s', '1', '-x'])).toBe(
      `unknown option "-x"; 'tunneldesk proxy --help' lists the options`,
    );
  });

  it('names a flag without its value', () => {
    expect(messageOf(['-s', '1', '-r'])).toBe('-r/--region needs a region after it');
  });

  it('names a stray argument', () => {
    expect(messageOf(['-r', 'us-east-1', '-s', '1', 'extra'])).toBe(
      'unexpected argument "extra": every value follows its flag, e.g. -r us-east-1 -s SSH1=5555',
    );
  });

  it('refuses a flag given twice', () => {
    expect(messageOf(['-r', 'us-east-1', '-s', '1', '--region', 'us-west-2'])).toBe(
      '-r: given more than once; give it once',
    );
  });

  it('answers -h and -V before anything else', () => {
    const help = parseProxyArgs(['-h'], {}, cwd);
    expect(help.kind).toBe('help');
    expect(parseProxyArgs(['--help', '-s', 'garbage'], {}, cwd).kind).toBe('help');
    expect(parseProxyArgs(['-V'], {}, cwd)).toEqual({ kind: 'version' });
    expect(parseProxyArgs(['--version', '-h'], {}, cwd)).toEqual({ kind: 'version' });
  });
});

describe('renderProxyHelp', () => {
  it('lists every flag of the reference', () => {
    const text = renderProxyHelp();
    for (const flag of [
      '-h, --help',
      '-V, --version',
      '-t, --access-token',
      '-i, --client-token',
      '-e, --proxy-endpoint',
      '-r, --region',
      '-s, --source-listen-port',
      '-d, --destination-app',
      '-b, --local-bind-address',
      '-c, --capath',
      '-k, --no-ssl-host-verify',
      '-v, --verbose',
      '-m, --mode',
      '-y, --destination-client-type',
      '--config <file>',
      '--config-dir',
      '--send-order <order>',
      '--max-connections <n>',
      'AWSIOT_TUNNEL_ACCESS_TOKEN',
      'AWSIOT_TUNNEL_CLIENT_TOKEN',
      'AWSIOT_TUNNEL_ENDPOINT',
      'AWSIOT_TUNNEL_REGION',
    ]) {
      expect(text).toContain(flag);
    }
  });
});

describe('parseProxyArgs: --config file and precedence', () => {
  it('reads long option names, comments, and switches', () => {
    write(
      'proxy.ini',
      [
        '# a whole config',
        'region = us-west-2',
        'access-token = FILE_TOKEN   # trailing comment',
        '',
        'source-listen-port = SSH1=6000, HTTP1=6001',
        'local-bind-address = ::1',
        'capath = /opt/rootca',
        'no-ssl-host-verify = true',
        'verbose = 5',
        'destination-client-type = V2',
        `client-token = ${CLIENT}`,
      ].join('\n'),
    );
    const { config, warnings } = run(['--config', 'proxy.ini'], {});
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      mode: 'source',
      accessToken: 'FILE_TOKEN',
      clientToken: CLIENT,
      clientTokenGenerated: false,
      endpoint: {
        host: 'data.tunneling.iot.us-west-2.amazonaws.com',
        origin: 'region us-west-2 (region in proxy.ini:2)',
      },
      bindAddress: '::1',
      tls: { verify: false, caPath: '/opt/rootca' },
      logLevel: LogLevel.Debug,
      peerVersion: 'V2',
      mappings: {
        mode: 'source',
        ports: new Map([
          ['SSH1', 6000],
          ['HTTP1', 6001],
        ]),
      },
    });
  });

  it('equals the reference example: --config config.ini -t foobar', () => {
    write(
      'config.ini',
      'capath = /opt/rootca\nregion = us-west-2\nlocal-bind-address = ::1\nsource-listen-port = 6000\n',
    );
    const fromFile = run(['--config', 'config.ini', '-t', 'foobar'], {}).config;
    const fromFlags = run(
      ['-c', '/opt/rootca', '-r', 'us-west-2', '-b', '::1', '-s', '6000', '-t', 'foobar'],
      {},
    ).config;
    expect({
      ...fromFile,
      clientToken: '',
      endpoint: { ...fromFile.endpoint, origin: '' },
    }).toEqual({
      ...fromFlags,
      clientToken: '',
      endpoint: { ...fromFlags.endpoint, origin: '' },
    });
  });

  it('access token: CLI over config over env', () => {
    write('t.ini', 'access-token = FILE\n');
    const env = { AWSIOT_TUNNEL_ACCESS_TOKEN: 'ENV' };
    const base = ['-r', 'us-east-1', '-s', '1'];
    expect(run([...base, '--config', 't.ini', '-t', 'CLI'], env).config.accessToken).toBe('CLI');
    expect(run([...base, '--config', 't.ini'], env).config.accessToken).toBe('FILE');
    expect(run(base, env).config.accessToken).toBe('ENV');
  });

  it('client token: CLI over config over env', () => {
    const fromCli = 'c'.repeat(32);
    const fromFile = 'f'.repeat(32);
    const fromEnv = 'e'.repeat(32);
    write('t.ini', `client-token = ${fromFile}\n`);
    const env = { AWSIOT_TUNNEL_ACCESS_TOKEN: TOKEN, AWSIOT_TUNNEL_CLIENT_TOKEN: fromEnv };
    const base = ['-r', 'us-east-1', '-s', '1'];
    expect(run([...base, '--config', 't.ini', '-i', fromCli], env).config.clientToken).toBe(
      fromCli,
    );
    expect(run([...base, '--config', 't.ini'], env).config.clientToken).toBe(fromFile);
    expect(run(base, env).config.clientToken).toBe(fromEnv);
  });

  it('region: CLI over config over env; env endpoint alone works', () => {
    write('r.ini', 'region = eu-west-1\n');
    const env = { AWSIOT_TUNNEL_ACCESS_TOKEN: TOKEN, AWSIOT_TUNNEL_REGION: 'ap-south-1' };
    const host = (argv: string[], e = env) => run([...argv, '-s', '1'], e).config.endpoint.host;
    expect(host(['--config', 'r.ini', '-r', 'us-east-2'])).toContain('.us-east-2.');
    expect(host(['--config', 'r.ini'])).toContain('.eu-west-1.');
    expect(host([])).toContain('.ap-south-1.');
    expect(
      run(['-s', '1'], { AWSIOT_TUNNEL_ACCESS_TOKEN: TOKEN, AWSIOT_TUNNEL_ENDPOINT: 'Host:9000' })
        .config.endpoint,
    ).toMatchObject({ host: 'host', port: 9000, origin: 'AWSIOT_TUNNEL_ENDPOINT' });
  });

  it('counts a config endpoint against a CLI region, as boost store does', () => {
    write('e.ini', 'proxy-endpoint = host:8443\n');
    expect(messageOf(['--config', 'e.ini', '-r', 'us-east-1', '-s', '1'])).toBe(
      'give one of -e/--proxy-endpoint and -r/--region, not both (AWSIOT_TUNNEL_ENDPOINT and AWSIOT_TUNNEL_REGION count too): found proxy-endpoint in e.ini:1 and -r/--region',
    );
  });

  it('treats an empty environment variable as unset', () => {
    expect(
      run(['-e', 'host', '-s', '1'], {
        AWSIOT_TUNNEL_ACCESS_TOKEN: TOKEN,
        AWSIOT_TUNNEL_REGION: '',
      }).config.endpoint.host,
    ).toBe('host');
  });

  it('mappings: CLI over config', () => {
    write('m.ini', 'source-listen-port = SSH1=6000\n');
    expect(
      run(['-r', 'us-east-1', '--config', 'm.ini', '-s', 'SSH1=7000']).config.mappings,
    ).toEqual({ mode: 'source', ports: new Map([['SSH1', 7000]]) });
    expect(run(['-r', 'us-east-1', '--config', 'm.ini']).config.mappings).toEqual({
      mode: 'source',
      ports: new Map([['SSH1', 6000]]),
    });
  });

  it('a config -s and a CLI -d collide, as in the reference', () => {
    write('m.ini', 'source-listen-port = 6000\n');
    expect(messageOf(['-r', 'us-east-1', '--config', 'm.ini', '-d', '22'])).toBe(
      'give one of -s/--source-listen-port and -d/--destination-app, not both: -s makes a source proxy, -d a destination (found source-listen-port in m.ini:1 and -d/--destination-app)',
    );
  });

  it('names file and line of a bad value', () => {
    write('v.ini', '\nsource-listen-port = SSH1=70000\n');
    expect(messageOf(['-r', 'us-east-1', '--config', 'v.ini'])).toBe(
      'v.ini:2 (source-listen-port): "SSH1=70000": port 70000 is out of range; a port is 1 to 65535 (0 picks a free port)',
    );
    write('w.ini', 'no-ssl-host-verify = maybe\n');
    expect(messageOf(['-r', 'us-east-1', '-s', '1', '--config', 'w.ini'])).toBe(
      'w.ini:1: "maybe" is not a switch value; write true or false',
    );
  });

  it('names file and line of an unknown key', () => {
    write('u.ini', '# ok\nregion = us-east-1\nregoin = us-east-1\n');
    expect(messageOf(['-s', '1', '--config', 'u.ini'])).toBe(
      'u.ini:3: unknown key "regoin"; the keys are the long option names: access-token, client-token, proxy-endpoint, region, source-listen-port, destination-app, local-bind-address, capath, no-ssl-host-verify, verbose, mode, destination-client-type, config-dir, settings-json, send-order, max-connections',
    );
    write('h.ini', 'config = other.ini\n');
    expect(messageOf(['-s', '1', '--config', 'h.ini'])).toMatch(
      /^h\.ini:1: "config" only works as a flag; the keys are/,
    );
    write('s.ini', '-r = us-east-1\n');
    expect(messageOf(['-s', '1', '--config', 's.ini'])).toMatch(/^s\.ini:1: unknown key "-r"/);
  });

  it('names file and line of a malformed line, a section, and a repeated key', () => {
    write('bad.ini', 'region = us-east-1\n\nsource-listen-port 5555\n');
    expect(messageOf(['--config', 'bad.ini'])).toBe(
      'bad.ini:3: "source-listen-port 5555" is not a "key = value" line; write e.g. "region = us-east-1" (# starts a comment)',
    );
    write('sec.ini', '[proxy]\nregion = us-east-1\n');
    expect(messageOf(['--config', 'sec.ini'])).toBe(
      'sec.ini:1: "[proxy]": a --config file has no sections; write "long-option-name = value" lines',
    );
    write('twice.ini', 'region = us-east-1\nregion = us-west-2\n');
    expect(messageOf(['--config', 'twice.ini'])).toBe(
      'twice.ini:2: "region" is already set on line 1; set it once',
    );
  });

  it('refuses a missing --config file', () => {
    expect(messageOf(['-r', 'us-east-1', '-s', '1', '--config', 'none.ini'])).toBe(
      '--config: cannot read "none.ini": no such file',
    );
  });
});

describe('parseProxyArgs: mapping files', () => {
  it('uses ./config by default, and nothing when it is absent', () => {
    expect(run(['-r', 'us-east-1', '-s', '1']).config.mappingFiles).toEqual([]);
    write('config/b.ini', 'SSH1 = 1\n');
    write('config/a/x.ini', 'SSH1 = 2\n');
    expect(run(['-r', 'us-east-1', '-s', '1']).config.mappingFiles).toEqual([
      join(cwd, 'config/a/x.ini'),
      join(cwd, 'config/b.ini'),
    ]);
  });

  it('uses --config-dir, from the command line or the config file', () => {
    write('maps/SSHDestination.ini', 'SSH1 = 22\n');
    const files = [join(cwd, 'maps/SSHDestination.ini')];
    expect(
      run(['-r', 'us-east-1', '-m', 'dst', '--config-dir', 'maps']).config.mappingFiles,
    ).toEqual(files);
    write('p.ini', 'config-dir = maps\nmode = dst\n');
    expect(run(['-r', 'us-east-1', '--config', 'p.ini']).config).toMatchObject({
      mode: 'destination',
      mappingFiles: files,
    });
  });

  it('refuses a --config-dir that is not there', () => {
    expect(messageOf(['-r', 'us-east-1', '-s', '1', '--config-dir', 'nope'])).toBe(
      '--config-dir: "nope" does not exist; give a directory of .ini mapping files (SSH1 = 5555)',
    );
  });
});

describe('parseProxyArgs: --settings-json and --export-default-settings', () => {
  const file = (proxy: Record<string, unknown>): string =>
    write('s.json', JSON.stringify({ tunneling: { proxy } }));

  it("uses the reference's retries by default: forever, 2.5 s apart; a port in use 5 times", () => {
    const { config } = run(['-r', 'us-east-1', '-s', 'SSH1=5555']);
    expect(config.tuning).toEqual({
      retryDelayMs: 2_500,
      connectRetryCount: 'forever',
      reconnectOnDataError: true,
      pingPeriodMs: 5_000,
      listenRetry: { count: 5, delayMs: 2_500 },
    });
  });

  it('applies the file: retries, ping period, listen retries, bind address, connections', () => {
    const path = file({
      default_bind_address: '::1',
      tcp: { connection_retry_count: '0', max_active_connections: '7' },
      websocket: { connect_retry_count: '3', retry_delay_ms: '500', ping_period_ms: '20000' },
    });
    const { config } = run(['-r', 'us-east-1', '-s', 'SSH1=5555', '--settings-json', path]);
    expect(config.tuning).toMatchObject({
      connectRetryCount: 3,
      retryDelayMs: 500,
      pingPeriodMs: 20_000,
      listenRetry: { count: 0, delayMs: 2_500 },
    });
    expect(config.bindAddress).toBe('::1');
    expect(config.maxConnectionsPerService).toBe(7);
    // Flags win over the file, as -b wins over the reference's default_bind_address.
    const flagged = run([
      '-r',
      'us-east-1',
      '-s',
      'SSH1=5555',
      '-b',
      '127.0.0.2',
      '--max-connections',
      '9',
      '--settings-json',
      path,
    ]).config;
    expect(flagged.bindAddress).toBe('127.0.0.2');
    expect(flagged.maxConnectionsPerService).toBe(9);
  });

  it('takes the file from a --config file too', () => {
    const path = file({ websocket: { retry_delay_ms: '100' } });
    const config = write('c.ini', `settings-json = ${path}\n`);
    expect(
      run(['-r', 'us-east-1', '-s', '1', '--config', config]).config.tuning?.retryDelayMs,
    ).toBe(100);
  });

  it('overrides a region endpoint, and builds others from endpoint_format', () => {
    const path = file({
      region_endpoint_overrides: { 'eu-west-9': 'tunnels.example.com:8443' },
      endpoint_format: 'tunnel.%s.example.net',
    });
    const args = (region: string): string[] => ['-r', region, '-s', '1', '--settings-json', path];
    expect(run(args('eu-west-9')).config.endpoint).toMatchObject({
      host: 'tunnels.example.com',
      port: 8443,
    });
    expect(run(args('us-east-1')).config.endpoint).toMatchObject({
      host: 'tunnel.us-east-1.example.net',
      port: 443,
    });
  });

  it('sets the source version from websocket.subprotocol, and refuses a contradiction', () => {
    const path = file({ websocket: { subprotocol: 'aws.iot.securetunneling-2.0' } });
    expect(run(['-r', 'us-east-1', '-s', '1', '--settings-json', path]).config.peerVersion).toBe(
      'V2',
    );
    expect(
      messageOf(['-r', 'us-east-1', '-s', '1', '-y', 'V1', '--settings-json', path]),
    ).toContain('drop one');
  });

  it('names the file and key of a mistake, and a missing file', () => {
    const path = file({ tcp: { retries: '1' } });
    expect(messageOf(['-r', 'us-east-1', '-s', '1', '--settings-json', path])).toContain(
      'unknown key tunneling.proxy.tcp.retries',
    );
    expect(messageOf(['-r', 'us-east-1', '-s', '1', '--settings-json', 'nope.json'])).toMatch(
      /^--settings-json: cannot read ".*nope\.json": no such file$/,
    );
  });

  it('exports the defaults before any other check, in the shape it reads', () => {
    const result = parseProxyArgs(['--export-default-settings', 'd.json'], {}, cwd);
    expect(result.kind).toBe('export-settings');
    if (result.kind !== 'export-settings') return;
    expect(result.file).toBe(join(cwd, 'd.json'));
    const path = write('d.json', result.text);
    expect(
      run(['-r', 'us-east-1', '-s', '1', '--settings-json', path]).config.tuning?.listenRetry,
    ).toEqual({ count: 5, delayMs: 2_500 });
    // The same file serves a destination too.
    expect(run(['-r', 'us-east-1', '-d', 'SSH1=22', '--settings-json', path]).config.mode).toBe(
      'destination',
    );
  });

  it('refuses a changed tcp.connection_retry_* for a destination, saying why', () => {
    const path = file({ tcp: { connection_retry_count: '10' } });
    expect(
      run(['-r', 'us-east-1', '-s', '1', '--settings-json', path]).config.tuning?.listenRetry,
    ).toEqual({ count: 10, delayMs: 2_500 });
    expect(messageOf(['-r', 'us-east-1', '-d', 'SSH1=22', '--settings-json', path])).toMatch(
      /tcp\.connection_retry_count .* no meaning for a destination here .* leave them out, or at 5 and 2500$/,
    );
  });
});
