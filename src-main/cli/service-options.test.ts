/**
 * The arguments of `tunneldesk service`: defaults, every flag, and each mistake as a
 * ConfigError that names the flag and what is allowed, without echoing access tokens.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../core/config/proxy-config.js';
import { LogLevel } from '../core/log/logger.js';
import { selfSignedCertificate } from '../core/service/certificate.js';
import { DEFAULT_SERVICE_PORT, parseServiceArgs, type ServiceSettings } from './service-options.js';

const DEMO = 'demo:SRC_TOKEN:DST_TOKEN:HTTP1,SSH1';

let dir: string;
let certFile: string;
let keyFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tunneldesk-service-options-'));
  const material = await selfSignedCertificate();
  certFile = join(dir, 'cert.pem');
  keyFile = join(dir, 'key.pem');
  writeFileSync(certFile, material.cert);
  writeFileSync(keyFile, material.key);
  writeFileSync(join(dir, 'notes.txt'), 'not a certificate\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function settings(argv: string[]): ServiceSettings {
  const result = parseServiceArgs(argv);
  if (result.kind !== 'run') throw new Error('expected a run');
  return result.settings;
}

function mistake(argv: string[]): string {
  try {
    parseServiceArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(argv)}`);
}

describe('parseServiceArgs: a run', () => {
  it('defaults to port 8443 on 127.0.0.1 with a self-signed certificate, no re-chunking', () => {
    expect(settings(['--tunnel', DEMO])).toEqual({
      logLevel: LogLevel.Info,
      service: {
        host: '127.0.0.1',
        port: 8443,
        tls: 'self-signed',
        tunnels: [
          {
            id: 'demo',
            sourceToken: 'SRC_TOKEN',
            destinationToken: 'DST_TOKEN',
            services: ['HTTP1', 'SSH1'],
          },
        ],
        rechunk: false,
      },
    });
    expect(DEFAULT_SERVICE_PORT).toBe(8443);
  });

  it('takes every flag', () => {
    const parsed = settings([
      '--port',
      '0',
      '--host',
      '::1',
      '--tunnel',
      DEMO,
      '--tunnel',
      'v1:a-token:b-token:',
      '--plain',
      '--rechunk',
      '4294967295',
      '-v',
      '6',
    ]);
    expect(parsed).toEqual({
      logLevel: LogLevel.Trace,
      service: {
        host: '::1',
        port: 0,
        tls: 'plain',
        tunnels: [
          expect.objectContaining({ id: 'demo' }),
          { id: 'v1', sourceToken: 'a-token', destinationToken: 'b-token', services: [] },
        ],
        rechunk: { seed: 4_294_967_295 },
      },
    });
  });

  it('reads --cert and --key PEM files', () => {
    const parsed = settings(['--tunnel', DEMO, '--cert', certFile, '--key', keyFile]);
    expect(parsed.service.tls).toEqual({
      cert: expect.stringContaining('-----BEGIN CERTIFICATE-----'),
      key: expect.stringMatching(/-----BEGIN [A-Z ]*PRIVATE KEY-----/),
    });
  });

  it('picks a random seed for --rechunk without one, a whole number the command can print', () => {
    const seeds = Array.from({ length: 5 }, () => {
      const rechunk = settings(['--tunnel', DEMO, '--rechunk']).service.rechunk;
      if (!rechunk) throw new Error('no rechunk');
      return rechunk.seed;
    });
    for (const seed of seeds) {
      expect(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff).toBe(true);
    }
    expect(new Set(seeds).size).toBeGreaterThan(1);
    // A flag after --rechunk is not its seed.
    expect(settings(['--tunnel', DEMO, '--rechunk', '--plain']).service.tls).toBe('plain');
  });

  it('maps -v levels above 6 to trace, as the proxy does', () => {
    expect(settings(['--tunnel', DEMO, '-v', '0']).logLevel).toBe(LogLevel.Off);
    expect(settings(['--tunnel', DEMO, '--verbose', '200']).logLevel).toBe(LogLevel.Trace);
  });

  it('returns the help text for --help and -h, whatever else is given', () => {
    for (const argv of [['--help'], ['-h'], ['--tunnel', 'broken', '--help']]) {
      const result = parseServiceArgs(argv);
      expect(result.kind).toBe('help');
      if (result.kind !== 'help') return;
      expect(result.text).toMatch(/^Usage: tunneldesk service \[options\]/);
      for (const flag of [
        '--port',
        '--host',
        '--tunnel',
        '--cert',
        '--key',
        '--plain',
        '--rechunk',
      ]) {
        expect(result.text).toContain(flag);
      }
    }
  });
});

describe('parseServiceArgs: mistakes', () => {
  it.each([
    [
      'three fields',
      ['--tunnel', 'demo:SRC_TOKEN:DST_TOKEN'],
      /"demo:\.\.\." has 3 ":"-separated fields/,
    ],
    ['five fields', ['--tunnel', 'demo:SRC:DST:HTTP1:SSH1'], /has 5 ":"-separated fields/],
    ['no colon at all', ['--tunnel', 'SRC_TOKEN'], /a value has 1 ":"-separated field;/],
    [
      'an empty token',
      ['--tunnel', 'demo::DST_TOKEN:HTTP1'],
      /has 4 ":"-separated fields, one of them empty/,
    ],
  ])('refuses a --tunnel with %s, naming the format and not the tokens', (_name, argv, why) => {
    const message = mistake(argv);
    expect(message).toMatch(/^--tunnel: /);
    expect(message).toMatch(why);
    expect(message).toContain('ID:SOURCE_TOKEN:DESTINATION_TOKEN:SERVICES');
    expect(message).not.toMatch(/SRC_TOKEN|DST_TOKEN/);
  });

  it.each([
    [
      'a bad service id',
      'demo:s-token:d-token:HTTP1,SSH 1',
      /service id "SSH 1" of tunnel demo is invalid; a service id is 1 to \d+ letters, digits, "-" or "_"/,
    ],
    [
      'a service named twice',
      'demo:s-token:d-token:SSH1,SSH1',
      /tunnel demo names service SSH1 twice/,
    ],
    [
      'an empty service id',
      'demo:s-token:d-token:HTTP1,',
      /service id "" of tunnel demo is invalid/,
    ],
    [
      'a bad tunnel id',
      'de mo:s-token:d-token:SSH1',
      /tunnel id "de mo" is invalid; use 1 to 128 letters, digits, "\.", "_" or "-"/,
    ],
    [
      'one token for both sides',
      'demo:same-token:same-token:SSH1',
      /tunnel demo has the same token for source and destination/,
    ],
  ])('refuses %s in --tunnel', (_name, spec, why) => {
    const message = mistake(['--tunnel', spec]);
    expect(message).toMatch(/^--tunnel: /);
    expect(message).toMatch(why);
  });

  it('refuses a tunnel id given twice', () => {
    expect(mistake(['--tunnel', 'a:s1:d1:SSH1', '--tunnel', 'a:s2:d2:SSH1'])).toBe(
      '--tunnel: tunnel id a is given twice; each tunnel needs its own',
    );
  });

  it('refuses a token used by two tunnels, without printing it', () => {
    const message = mistake([
      '--tunnel',
      'a:token-1:token-2:SSH1',
      '--tunnel',
      'b:token-3:token-1:SSH1',
    ]);
    expect(message).toBe(
      '--tunnel: tunnel b reuses an access token of tunnel a; every token must open one side of one tunnel',
    );
  });

  it('accepts a service without tunnels: they are opened with OpenTunnel', () => {
    const parsed = parseServiceArgs(['--port', '0']);
    expect(parsed.kind === 'run' && parsed.settings.service.tunnels).toEqual([]);
  });

  it('takes things for the IoT registry, and names a bad one', () => {
    const parsed = parseServiceArgs([
      '--thing',
      'pump-2,thingType=PumpController,site=lyon',
      '--thing',
      'rover-1',
    ]);
    expect(parsed.kind === 'run' && parsed.settings.service.management).toEqual({
      things: [
        { thingName: 'pump-2', thingTypeName: 'PumpController', attributes: { site: 'lyon' } },
        { thingName: 'rover-1', attributes: {} },
      ],
    });
    expect(mistake(['--thing', 'bad name'])).toMatch(/^--thing: thing name "bad name" is invalid/);
    expect(mistake(['--thing', 'pump-2,site'])).toBe(
      '--thing: "site" of thing pump-2 is not ATTRIBUTE=VALUE',
    );
  });

  it.each([
    [['--cert', 'c.pem'], /^--cert: give --cert and --key together/],
    [['--key', 'k.pem'], /^--key: give --cert and --key together/],
    [
      ['--plain', '--cert', 'c.pem', '--key', 'k.pem'],
      /^--plain: serves ws:\/\/ without TLS, so it takes no --cert or --key/,
    ],
    [['--plain', '--key', 'k.pem'], /^--plain: /],
  ])('refuses TLS flags %j that do not go together', (flags, why) => {
    expect(mistake(['--tunnel', DEMO, ...flags])).toMatch(why);
  });

  it('names the flag and the file of an unreadable or wrong PEM file', () => {
    expect(
      mistake(['--tunnel', DEMO, '--cert', join(dir, 'missing.pem'), '--key', keyFile]),
    ).toMatch(/^--cert: cannot read ".*missing\.pem": no such file$/);
    expect(
      mistake(['--tunnel', DEMO, '--cert', certFile, '--key', join(dir, 'notes.txt')]),
    ).toMatch(/^--key: ".*notes\.txt" holds no PEM private key$/);
    // A key is not a certificate.
    expect(mistake(['--tunnel', DEMO, '--cert', keyFile, '--key', keyFile])).toMatch(
      /^--cert: ".*key\.pem" holds no PEM certificate$/,
    );
  });

  it.each(['-1', '65536', '80a', '', '1e3', ' 80'])(
    'refuses --port %j, naming the range',
    (port) => {
      expect(mistake(['--tunnel', DEMO, '--port', port])).toBe(
        `--port: "${port}" is not a port; a port is 0 to 65535 (0 picks a free port)`,
      );
    },
  );

  it.each(['abc', '-5', '4294967296', '1.5', '99999999999'])(
    'refuses --rechunk seed %j',
    (seed) => {
      expect(mistake(['--tunnel', DEMO, '--rechunk', seed])).toBe(
        `--rechunk: seed "${seed}" is not a whole number from 0 to 4294967295`,
      );
    },
  );

  it.each(['x', '256', '-1'])('refuses -v %j, naming the levels', (level) => {
    expect(mistake(['--tunnel', DEMO, '-v', level])).toMatch(
      new RegExp(`^-v/--verbose: "${level}" is not a log level; a level is 0 to 255: 0 off`),
    );
  });

  it('refuses an unknown option, a stray argument and a flag without its value', () => {
    expect(mistake(['--tunnel', DEMO, '--bogus'])).toBe(
      `unknown option "--bogus"; 'tunneldesk service --help' lists the options`,
    );
    expect(mistake(['--tunnel', DEMO, '-k'])).toMatch(/^unknown option "-k"/);
    expect(mistake(['--tunnel', DEMO, '--plain', 'extra'])).toBe(
      `unexpected argument "extra"; 'tunneldesk service --help' lists the options`,
    );
    expect(mistake(['--tunnel', DEMO, '--port'])).toBe('--port: needs a value');
    expect(mistake(['--tunnel', DEMO, '-v'])).toBe('-v: needs a value');
  });
});

describe('parseServiceArgs: --rate', () => {
  it('caps each direction at the given bytes per second', () => {
    const parsed = parseServiceArgs(['--tunnel', 'a:S1:D1:SSH1', '--rate', '800000']);
    expect(parsed.kind === 'run' && parsed.settings.service.rateBytesPerSecond).toBe(800_000);
  });

  it.each(['fast', '0', '-5', '1.5', '100'])(
    'refuses --rate %s, naming the flag and the rule',
    (rate) => {
      expect(() => parseServiceArgs(['--tunnel', 'a:S1:D1:SSH1', '--rate', rate])).toThrow(
        /^--rate: ".*" is not a rate; give bytes per second as a whole number from 1024 up/,
      );
    },
  );
});
