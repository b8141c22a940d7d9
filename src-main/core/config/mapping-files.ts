/**
 * The `--config-dir` mapping files: `.ini` files of `SERVICE = PORT` (source) or
 * `SERVICE = TARGET` (destination) lines, read once, for the services the tunnel names
 * and no flag maps. Reference semantics: every regular file under the directory, sub
 * folders included, the first file that maps a service wins. Unlike the reference, which
 * quietly skips a file it cannot parse, a bad line is an error naming file and line: a
 * skipped file only shows up later as a service on the wrong port.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import ini from 'ini';
import { parseDestinationTarget, parseListenPort, validateServiceId } from './port-mapping.js';
import { ConfigError, type DestinationTarget } from './proxy-config.js';

/** The directory read when `--config-dir` is not given, relative to the working directory. */
export const DEFAULT_MAPPING_DIR = 'config';

const BLANK_OR_COMMENT = /^\s*([;#].*)?$/;
/** As `ini` sees a section: the bracket must start the line. */
const SECTION = /^\[[^\]]*\]\s*$/;
const KEY_VALUE = /^([^=]+)=(.*)$/;

/**
 * Every regular file under `dir`, recursively, in a stable (sorted) order so that "first
 * file wins" means the same thing on every machine. Dot files and dot folders are left
 * out (`.DS_Store`, editor swap files, `.git`): they are never mappings, and since a
 * malformed file is an error here, reading them would only make spurious ones.
 */
export function listMappingFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (folder: string): void => {
    const entries = readdirSync(folder, { withFileTypes: true })
      .filter((entry) => !entry.name.startsWith('.'))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        walk(path);
      } else if (entry.isFile()) {
        files.push(path);
      } else if (entry.isSymbolicLink()) {
        // Like boost's is_regular_file(status): a link to a file counts. Links to folders
        // are not followed, so a link loop cannot hang the start.
        try {
          if (statSync(path).isFile()) files.push(path);
        } catch {
          // a dangling link is not a file
        }
      }
    }
  };
  walk(dir);
  return files;
}

/**
 * The mapping files to use: those of `--config-dir` when given (it must be a directory
 * holding files), else those of `./config` under `cwd` when it exists and holds files,
 * else none. Paths come back absolute.
 */
export function resolveMappingFiles(
  configDir: string | undefined,
  cwd: string,
  where = '--config-dir',
): string[] {
  if (configDir === undefined) {
    const fallback = resolve(cwd, DEFAULT_MAPPING_DIR);
    try {
      return statSync(fallback).isDirectory() ? listMappingFiles(fallback) : [];
    } catch {
      return [];
    }
  }
  if (configDir.trim() === '' || configDir.includes('\0')) {
    throw new ConfigError('the directory name is empty; give a directory of mapping files', where);
  }
  const dir = resolve(cwd, configDir);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    throw new ConfigError(
      `"${configDir}" does not exist; give a directory of .ini mapping files (SSH1 = 5555)`,
      where,
    );
  }
  if (!isDirectory) {
    throw new ConfigError(
      `"${configDir}" is not a directory; give the folder that holds the mapping files`,
      where,
    );
  }
  const files = listMappingFiles(dir);
  if (files.length === 0) {
    throw new ConfigError(
      `"${configDir}" holds no mapping files; add .ini files of SERVICE = PORT lines, or leave out --config-dir`,
      where,
    );
  }
  return files;
}

/** A path as messages show it: relative when under the working directory, as users wrote it. */
function displayPath(file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** A `key = value` line: its number (1-based) and its text, for messages. */
interface KeyLine {
  readonly line: number;
  readonly text: string;
}

/**
 * Where each top-level key is, found by a line scan (`ini` keeps no line numbers), every
 * line of a key in order. Also the check that each line is well formed.
 */
function scanLines(text: string, file: string): Map<string, KeyLine[]> {
  const keys = new Map<string, KeyLine[]>();
  let inSection = false;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (BLANK_OR_COMMENT.test(raw)) return;
    if (SECTION.test(raw)) {
      // Keys under a section are `section.key` to the reference, never a service id.
      inSection = true;
      return;
    }
    const match = KEY_VALUE.exec(raw);
    if (!match || match[1]!.trim() === '') {
      throw new ConfigError(
        `"${raw.trim()}" is not a "SERVICE = VALUE" line, a [section] or a # / ; comment`,
        `${displayPath(file)}:${line}`,
      );
    }
    // Same key normalisation as `ini`, so the line found is the line `ini` read.
    const key = ini.unsafe(match[1]!);
    if (inSection) return;
    const seen = keys.get(key);
    if (seen) seen.push({ line, text: raw.trim() });
    else keys.set(key, [{ line, text: raw.trim() }]);
  });
  return keys;
}

interface ParsedFile {
  values: Record<string, unknown>;
  lines: Map<string, KeyLine[]>;
}

/** Reads one file: its lines checked, its values parsed by `ini`. */
function readOne(file: string): ParsedFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read this mapping file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      displayPath(file),
    );
  }
  return parseText(text, file);
}

function parseText(text: string, file: string): ParsedFile {
  const lines = scanLines(text, file);
  let values: Record<string, unknown>;
  try {
    values = ini.parse(text);
  } catch (error) {
    throw new ConfigError(
      `not a usable .ini file (${(error as Error).message})`,
      displayPath(file),
    );
  }
  return { values, lines };
}

/**
 * Looks up `serviceIds` in the mapping files, in order: the first file that maps a service
 * wins, and reading stops once every service is found (files after that are not opened,
 * as in the reference). Services no file maps are absent from the result. Values of other
 * services are not checked: a shared folder may hold mappings for other tunnels. In
 * source mode the result maps service id to port, in destination mode to target.
 *
 * @throws ConfigError naming file and line, for a malformed line in a file read, or a bad
 *   value (or a source port taken twice) for a wanted service.
 */
export function readMappingFiles(
  files: readonly string[],
  serviceIds: readonly string[],
  mode: 'source',
): Map<string, number>;
export function readMappingFiles(
  files: readonly string[],
  serviceIds: readonly string[],
  mode: 'destination',
): Map<string, DestinationTarget>;
export function readMappingFiles(
  files: readonly string[],
  serviceIds: readonly string[],
  mode: 'source' | 'destination',
): Map<string, number> | Map<string, DestinationTarget>;
export function readMappingFiles(
  files: readonly string[],
  serviceIds: readonly string[],
  mode: 'source' | 'destination',
): Map<string, number> | Map<string, DestinationTarget> {
  const wanted = new Set(serviceIds);
  const found = new Map<string, number | DestinationTarget>();
  /** Source ports already used, to say which line took it first. */
  const portOwners = new Map<number, string>();
  for (const file of files) {
    if (found.size === wanted.size) break;
    const { values, lines } = readOne(file);
    for (const serviceId of wanted) {
      if (found.has(serviceId)) continue;
      const value = mappedValue({ values, lines }, serviceId, file, mode, portOwners);
      if (value !== undefined) found.set(serviceId, value);
    }
  }
  return found as Map<string, number> | Map<string, DestinationTarget>;
}

/** One service's value in a parsed file, checked; undefined when the file does not map it. */
function mappedValue(
  { values, lines }: ParsedFile,
  serviceId: string,
  file: string,
  mode: 'source' | 'destination',
  portOwners: Map<number, string>,
): number | DestinationTarget | undefined {
  const at = lines.get(serviceId);
  const value = Object.hasOwn(values, serviceId) ? values[serviceId] : undefined;
  if (at === undefined || at[0] === undefined || value === undefined) return undefined;
  const where = `${displayPath(file)}:${at[0].line}`;
  const item = `"${at[0].text}"`;
  if (at[1] !== undefined) {
    // `ini` would keep the last one and the reference skips the whole file: neither is
    // what the author meant, so say so.
    throw new ConfigError(
      `${item}: ${serviceId} is mapped again on line ${at[1].line}; map each service once in a file`,
      where,
    );
  }
  if (typeof value !== 'string') {
    // `SSH1 = true` (ini makes a boolean) or `SSH1[] = ...` (a list): no port, no target.
    throw new ConfigError(
      `${item} is not a ${mode === 'source' ? 'port' : 'target'}; write ${serviceId} = ${mode === 'source' ? '5555' : 'HOST:PORT'}`,
      where,
    );
  }
  if (mode === 'destination') return parseDestinationTarget(value, item, where);
  const port = parseListenPort(value, item, where);
  const owner = portOwners.get(port);
  if (port !== 0 && owner !== undefined) {
    throw new ConfigError(
      `${item}: port ${port} is already taken by ${owner}; each service needs its own port (0 picks a free one)`,
      where,
    );
  }
  portOwners.set(port, `${serviceId} (${where})`);
  return port;
}

/**
 * Reads every mapping of a source mapping file's text (an import in the app): service id
 * to port, 0 for "any free port". Errors name the file and line, as for --config-dir.
 */
export function parseSourceMappingText(text: string, fileName: string): Map<string, number> {
  const parsed = parseText(text, fileName);
  const ports = new Map<string, number>();
  const portOwners = new Map<number, string>();
  for (const serviceId of parsed.lines.keys()) {
    validateServiceId(
      serviceId,
      `"${serviceId}"`,
      `${fileName}:${parsed.lines.get(serviceId)![0]!.line}`,
    );
    const port = mappedValue(parsed, serviceId, fileName, 'source', portOwners);
    if (typeof port === 'number') ports.set(serviceId, port);
  }
  if (ports.size === 0) {
    throw new ConfigError(
      'maps no service; write lines of SERVICE = PORT, e.g. SSH1 = 3333',
      fileName,
    );
  }
  return ports;
}

/** A source mapping file as the reference reads it (`Config/SSHSource.ini`). */
export function formatSourceMappingText(
  ports: ReadonlyMap<string, number>,
  comment: string,
): string {
  const lines = [
    `# ${comment}`,
    '# SERVICE = LOCAL PORT (the reference localproxy reads this in --config-dir)',
  ];
  for (const [serviceId, port] of ports) lines.push(`${serviceId} = ${port}`);
  return lines.join('\n') + '\n';
}
