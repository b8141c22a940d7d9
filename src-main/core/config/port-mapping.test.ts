import { describe, expect, it } from 'vitest';
import {
  parseDestinationMappings,
  parseDestinationTarget,
  parseListenPort,
  parseSourceBindings,
  parseSourceMappings,
} from './port-mapping.js';
import { ConfigError } from './proxy-config.js';

/** The message of the ConfigError that `run` throws (and fails when it throws none). */
function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseSourceMappings', () => {
  it('reads SERVICE=PORT items, trimming whitespace', () => {
    expect(parseSourceMappings(' SSH1 = 5555 , HTTP1=8080 ')).toEqual(
      new Map([
        ['SSH1', 5555],
        ['HTTP1', 8080],
      ]),
    );
  });

  it('reads the V1 single-port form under service id ""', () => {
    expect(parseSourceMappings('5555')).toEqual(new Map([['', 5555]]));
    expect(parseSourceMappings(' 0 ')).toEqual(new Map([['', 0]]));
  });

  it('allows port 0 (a free port), also for several services', () => {
    expect(parseSourceMappings('A=0,B=0')).toEqual(
      new Map([
        ['A', 0],
        ['B', 0],
      ]),
    );
  });

  it('names the item, the problem and the rule for an out-of-range port', () => {
    expect(messageOf(() => parseSourceMappings('SSH1=70000'))).toBe(
      '-s: "SSH1=70000": port 70000 is out of range; a port is 1 to 65535 (0 picks a free port)',
    );
  });

  it.each([
    ['SSH1=abc', '-s: "SSH1=abc" is not a port; a port is 1 to 65535 (0 picks a free port)'],
    ['SSH1=-1', '-s: "SSH1=-1" is not a port; a port is 1 to 65535 (0 picks a free port)'],
    ['SSH1=', '-s: "SSH1=": the port is missing; a port is 1 to 65535 (0 picks a free port)'],
    [
      '=5555',
      `-s: "=5555": the service id is missing; a service id is 1 to 64 letters, digits, '-' or '_'`,
    ],
    [
      'SSH 1=5555',
      `-s: "SSH 1=5555": service id "SSH 1" has other characters; a service id is 1 to 64 letters, digits, '-' or '_'`,
    ],
    [
      `${'A'.repeat(65)}=1`,
      `-s: "${'A'.repeat(65)}=1": the service id is 65 characters long; a service id is 1 to 64 letters, digits, '-' or '_'`,
    ],
    [
      'SSH1=5555,,HTTP1=8080',
      '-s: "SSH1=5555,,HTTP1=8080" has an empty item (a doubled comma, or one at an end); write SSH1=5555,HTTP1=8080 (or one port: 5555)',
    ],
    [
      'SSH1=5555,',
      '-s: "SSH1=5555," has an empty item (a doubled comma, or one at an end); write SSH1=5555,HTTP1=8080 (or one port: 5555)',
    ],
    ['  ', '-s: no mapping given; write SSH1=5555,HTTP1=8080 (or one port: 5555)'],
    [
      'SSH1=5555,8080',
      '-s: "8080" has no service id; with several items each one is SERVICE=VALUE, e.g. SSH1=5555,HTTP1=8080 (or one port: 5555)',
    ],
    [
      'SSH1==5555',
      `-s: "SSH1==5555" has more than one '='; an item is SERVICE=VALUE, e.g. SSH1=5555,HTTP1=8080 (or one port: 5555)`,
    ],
    [
      'SSH1=5555,SSH1=6666',
      '-s: service "SSH1" is mapped twice ("SSH1=5555" and "SSH1=6666"); map each service once',
    ],
    [
      'SSH1=5555,HTTP1=5555',
      '-s: port 5555 is given to both "SSH1" and "HTTP1"; each service needs its own port (0 picks a free one)',
    ],
    [
      'localhost:5555',
      '-s: "localhost:5555" is not a port; a port is 1 to 65535 (0 picks a free port)',
    ],
  ])('rejects %j', (input, message) => {
    expect(messageOf(() => parseSourceMappings(input))).toBe(message);
  });

  it('names the given source of the value', () => {
    expect(messageOf(() => parseSourceMappings('x', 'cfg.ini:2 (source-listen-port)'))).toMatch(
      /^cfg\.ini:2 \(source-listen-port\): "x" is not a port/,
    );
  });
});

describe('parseDestinationMappings', () => {
  it('reads ports, host:port, IPv6 and Unix socket paths', () => {
    expect(
      parseDestinationMappings(
        'SSH1=22, HTTP1=10.0.0.1:80,WEB=/run/app.sock,V6=[::1]:8080,NAME=db.local:5432,REL=./app.sock',
      ),
    ).toEqual(
      new Map([
        ['SSH1', { kind: 'tcp', host: 'localhost', port: 22 }],
        ['HTTP1', { kind: 'tcp', host: '10.0.0.1', port: 80 }],
        ['WEB', { kind: 'unix', path: '/run/app.sock' }],
        ['V6', { kind: 'tcp', host: '::1', port: 8080 }],
        ['NAME', { kind: 'tcp', host: 'db.local', port: 5432 }],
        ['REL', { kind: 'unix', path: './app.sock' }],
      ]),
    );
  });

  it('reads the V1 single-target forms under service id ""', () => {
    expect(parseDestinationMappings('22')).toEqual(
      new Map([['', { kind: 'tcp', host: 'localhost', port: 22 }]]),
    );
    expect(parseDestinationMappings(' localhost:22 ')).toEqual(
      new Map([['', { kind: 'tcp', host: 'localhost', port: 22 }]]),
    );
    expect(parseDestinationMappings('/tmp/app.sock')).toEqual(
      new Map([['', { kind: 'unix', path: '/tmp/app.sock' }]]),
    );
  });

  it('allows the same port for two services (two hosts may share it)', () => {
    expect(parseDestinationMappings('A=10.0.0.1:22,B=10.0.0.2:22').size).toBe(2);
  });

  it.each([
    ['SSH1=0', '-d: "SSH1=0": port 0 is out of range; a port is 1 to 65535'],
    ['SSH1=70000', '-d: "SSH1=70000": port 70000 is out of range; a port is 1 to 65535'],
    ['SSH1=host:x1', '-d: "SSH1=host:x1": port "x1" is not a number; a port is 1 to 65535'],
    [
      'SSH1=host',
      '-d: "SSH1=host": no port after the host; a target is PORT, HOST:PORT, [IPv6]:PORT or a Unix socket path (one with a "/")',
    ],
    [
      'SSH1=host:',
      '-d: "SSH1=host:": the port is missing; a target is PORT, HOST:PORT, [IPv6]:PORT or a Unix socket path (one with a "/")',
    ],
    [
      'SSH1=::1:22',
      '-d: "SSH1=::1:22": an IPv6 address needs brackets to set it apart from the port, e.g. [::1]:22',
    ],
    [
      'SSH1=[nope]:22',
      '-d: "SSH1=[nope]:22": "nope" is not an IPv6 address; brackets hold an IPv6 address, e.g. [::1]:22',
    ],
    [
      'SSH1=ho$t:22',
      '-d: "SSH1=ho$t:22": "ho$t" is not a host name; a target is PORT, HOST:PORT, [IPv6]:PORT or a Unix socket path (one with a "/")',
    ],
    [
      'SSH1=',
      '-d: "SSH1=": the target is missing; a target is PORT, HOST:PORT, [IPv6]:PORT or a Unix socket path (one with a "/")',
    ],
    [
      'SSH1=22,SSH1=23',
      '-d: service "SSH1" is mapped twice ("SSH1=22" and "SSH1=23"); map each service once',
    ],
    [
      'SSH1=22,,',
      '-d: "SSH1=22,," has an empty item (a doubled comma, or one at an end); write SSH1=22,HTTP1=10.0.0.1:80 (or one target: localhost:22)',
    ],
  ])('rejects %j', (input, message) => {
    expect(messageOf(() => parseDestinationMappings(input))).toBe(message);
  });
});

describe('single values', () => {
  it('parseListenPort takes 0 to 65535', () => {
    expect(parseListenPort('0', '"0"')).toBe(0);
    expect(parseListenPort('65535', '"65535"')).toBe(65535);
    expect(() => parseListenPort('65536', '"65536"')).toThrow(/out of range/);
    expect(() => parseListenPort('99999999999999999999999', '"x"')).toThrow(/out of range/);
  });

  it('parseDestinationTarget refuses an over-long socket path', () => {
    expect(() => parseDestinationTarget('/' + 'a'.repeat(5000), '"x"')).toThrow(
      /not a usable socket path/,
    );
  });
});

describe('parseSourceBindings (stdio)', () => {
  it('binds one service to stdio beside ports', () => {
    expect(parseSourceBindings('SSH1=stdio,HTTP1=8080')).toEqual({
      ports: new Map([['HTTP1', 8080]]),
      stdio: 'SSH1',
    });
    expect(parseSourceBindings('SSH1=STDIO')).toEqual({ ports: new Map(), stdio: 'SSH1' });
  });

  it('reads the V1 form `stdio` under service id ""', () => {
    expect(parseSourceBindings('stdio')).toEqual({ ports: new Map(), stdio: '' });
  });

  it('reads plain port mappings as parseSourceMappings does', () => {
    expect(parseSourceBindings('SSH1=5555')).toEqual({ ports: new Map([['SSH1', 5555]]) });
  });

  it('refuses two services on stdio, naming both', () => {
    expect(messageOf(() => parseSourceBindings('A=stdio,B=stdio'))).toBe(
      '-s: "A=stdio" and "B=stdio" both take stdin/stdout; a process has one, so bind one service to stdio',
    );
  });

  it('refuses a service mapped to a port and to stdio', () => {
    expect(messageOf(() => parseSourceBindings('A=stdio,A=22'))).toContain('mapped twice');
  });

  it('still names a bad port next to stdio', () => {
    expect(messageOf(() => parseSourceBindings('A=stdio,B=http'))).toContain(
      '"B=http" is not a port',
    );
  });
});
