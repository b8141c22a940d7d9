import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listMappingFiles, readMappingFiles, resolveMappingFiles } from './mapping-files.js';
import { ConfigError } from './proxy-config.js';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tunneldesk-mapping-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Writes `text` at `rel` under the temp root, making folders; returns the full path. */
function write(rel: string, text: string): string {
  const path = join(root, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('listMappingFiles', () => {
  it('lists regular files recursively, sorted, without dot files', () => {
    write('config/b.ini', '');
    write('config/a/z.ini', '');
    write('config/a/sub/y.ini', '');
    write('config/c.ini', '');
    write('config/.DS_Store', '\0\0');
    write('config/.git/HEAD', 'ref');
    symlinkSync(join(root, 'config/c.ini'), join(root, 'config/d-link.ini'));
    symlinkSync(join(root, 'missing'), join(root, 'config/e-dangling.ini'));
    const dir = join(root, 'config');
    expect(listMappingFiles(dir)).toEqual([
      join(dir, 'a/sub/y.ini'),
      join(dir, 'a/z.ini'),
      join(dir, 'b.ini'),
      join(dir, 'c.ini'),
      join(dir, 'd-link.ini'),
    ]);
  });
});

describe('resolveMappingFiles', () => {
  it('uses ./config under cwd when it holds files', () => {
    write('config/SSHSource.ini', 'SSH1 = 3333\n');
    expect(resolveMappingFiles(undefined, root)).toEqual([join(root, 'config/SSHSource.ini')]);
  });

  it('uses nothing when ./config is missing, empty, or a file', () => {
    expect(resolveMappingFiles(undefined, root)).toEqual([]);
    mkdirSync(join(root, 'config'));
    expect(resolveMappingFiles(undefined, root)).toEqual([]);
    rmSync(join(root, 'config'), { recursive: true });
    write('config', 'not a dir');
    expect(resolveMappingFiles(undefined, root)).toEqual([]);
  });

  it('reads an explicit directory relative to cwd', () => {
    write('maps/x/one.ini', 'A = 1\n');
    expect(resolveMappingFiles('maps', root)).toEqual([join(root, 'maps/x/one.ini')]);
  });

  it('refuses an explicit directory that is missing, a file, or empty', () => {
    expect(messageOf(() => resolveMappingFiles('nope', root))).toBe(
      '--config-dir: "nope" does not exist; give a directory of .ini mapping files (SSH1 = 5555)',
    );
    write('file.ini', 'A = 1\n');
    expect(messageOf(() => resolveMappingFiles('file.ini', root))).toBe(
      '--config-dir: "file.ini" is not a directory; give the folder that holds the mapping files',
    );
    mkdirSync(join(root, 'empty/sub'), { recursive: true });
    expect(messageOf(() => resolveMappingFiles('empty', root, 'cfg.ini:4 (config-dir)'))).toBe(
      'cfg.ini:4 (config-dir): "empty" holds no mapping files; add .ini files of SERVICE = PORT lines, or leave out --config-dir',
    );
  });
});

describe('readMappingFiles', () => {
  it('reads source ports and destination targets, with comments and sections', () => {
    const source = write(
      'config/SSHSource.ini',
      '# operator ports\n; also a comment\n\nSSH1 = 3333\nSSH2=5555\n[other]\nSSH3 = 7777\n',
    );
    expect(readMappingFiles([source], ['SSH1', 'SSH2', 'SSH3'], 'source')).toEqual(
      new Map([
        ['SSH1', 3333],
        ['SSH2', 5555],
      ]),
    );
    const destination = write(
      'config/SSHDestination.ini',
      'SSH1=22\nSSH2=10.0.0.1:80\nWEB = /run/app.sock\n',
    );
    expect(readMappingFiles([destination], ['SSH1', 'SSH2', 'WEB'], 'destination')).toEqual(
      new Map([
        ['SSH1', { kind: 'tcp', host: 'localhost', port: 22 }],
        ['SSH2', { kind: 'tcp', host: '10.0.0.1', port: 80 }],
        ['WEB', { kind: 'unix', path: '/run/app.sock' }],
      ]),
    );
  });

  it('lets the first file win, across nested folders', () => {
    write('config/a/first.ini', 'SSH1 = 1111\n');
    write('config/b.ini', 'SSH1 = 2222\nHTTP1 = 8080\n');
    const files = resolveMappingFiles('config', root);
    expect(readMappingFiles(files, ['SSH1', 'HTTP1'], 'source')).toEqual(
      new Map([
        ['SSH1', 1111],
        ['HTTP1', 8080],
      ]),
    );
  });

  it('stops reading once every service is found', () => {
    const good = write('config/a.ini', 'SSH1 = 1111\n');
    const broken = write('config/b.ini', 'this is not ini\n');
    expect(readMappingFiles([good, broken], ['SSH1'], 'source')).toEqual(new Map([['SSH1', 1111]]));
  });

  it('leaves out services no file maps, and ignores bad values of other services', () => {
    const file = write('config/a.ini', 'OTHER = not-a-port\nSSH1 = 1\n');
    expect(readMappingFiles([file], ['SSH1', 'HTTP1'], 'source')).toEqual(new Map([['SSH1', 1]]));
  });

  it('names file and line for a malformed line', () => {
    const file = write('config/SSHSource.ini', '# ports\nSSH1 = 3333\nSSH2 5555\n');
    expect(messageOf(() => readMappingFiles([file], ['SSH1', 'SSH2'], 'source'))).toBe(
      `${file}:3: "SSH2 5555" is not a "SERVICE = VALUE" line, a [section] or a # / ; comment`,
    );
  });

  it('names file and line for a bad value of a wanted service', () => {
    const file = write('config/SSHSource.ini', '\n\nSSH1 = abc\n');
    expect(messageOf(() => readMappingFiles([file], ['SSH1'], 'source'))).toBe(
      `${file}:3: "SSH1 = abc" is not a port; a port is 1 to 65535 (0 picks a free port)`,
    );
    const destination = write('config/d.ini', 'SSH1 = 0\n');
    expect(messageOf(() => readMappingFiles([destination], ['SSH1'], 'destination'))).toBe(
      `${destination}:1: "SSH1 = 0": port 0 is out of range; a port is 1 to 65535`,
    );
    const flag = write('config/e.ini', 'SSH1 = true\n');
    expect(messageOf(() => readMappingFiles([flag], ['SSH1'], 'source'))).toBe(
      `${flag}:1: "SSH1 = true" is not a port; write SSH1 = 5555`,
    );
  });

  it('shows paths under the working directory relative to it', () => {
    const file = join(process.cwd(), 'config/SSHSource.ini');
    // Not written: only the display of a read failure is checked.
    expect(messageOf(() => readMappingFiles([file], ['SSH1'], 'source'))).toMatch(
      /^config\/SSHSource\.ini: cannot read this mapping file \(ENOENT\)$/,
    );
  });

  it('refuses a service mapped twice in a file, and a source port taken twice', () => {
    const twice = write('config/a.ini', 'SSH1 = 1\nSSH1 = 2\n');
    expect(messageOf(() => readMappingFiles([twice], ['SSH1'], 'source'))).toBe(
      `${twice}:1: "SSH1 = 1": SSH1 is mapped again on line 2; map each service once in a file`,
    );
    const a = write('config/b.ini', 'SSH1 = 5555\n');
    const b = write('config/c.ini', 'HTTP1 = 5555\n');
    expect(messageOf(() => readMappingFiles([a, b], ['SSH1', 'HTTP1'], 'source'))).toBe(
      `${b}:1: "HTTP1 = 5555": port 5555 is already taken by SSH1 (${a}:1); each service needs its own port (0 picks a free one)`,
    );
  });
});
