/**
 * The control socket that lets several ssh sessions share one tunnel, as ssh's ControlMaster
 * does. The service allows one source connection per client token, and a new connection
 * with the same token replaces the one before: so one process (the holder) keeps the
 * tunnel's source side and every later session reaches it through a local socket, which
 * only this user can open (a Unix socket in a 0700 directory of its own; a named pipe on
 * Windows). Each connection to the socket is one connection over the tunnel, raw bytes.
 *
 * Who becomes the holder is decided by a lock file (created exclusively, holding the pid):
 * a process that finds no socket takes the lock, or waits while a live process holds it.
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** Where the holder of one tunnel listens, and its lock. */
export interface ControlPaths {
  /** The socket (or pipe) path. */
  readonly socket: string;
  /** The lock file: present while a holder starts or runs. */
  readonly lock: string;
}

/** Why the control directory cannot be used: someone else could reach our sockets. */
export class ControlDirError extends Error {
  override readonly name = 'ControlDirError';
}

/** The private directory of this user's control sockets: XDG_RUNTIME_DIR, else the temp dir. */
export function controlDir(env: Record<string, string | undefined> = process.env): string {
  const user = userInfo();
  const base = env.XDG_RUNTIME_DIR || tmpdir();
  const dir = join(base, `tunneldesk-${user.uid >= 0 ? user.uid : user.username}`);
  if (process.platform === 'win32') return dir;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  // A directory made by someone else (or a link to one) in a shared temp dir is a trap.
  if (!stat.isDirectory() || (user.uid >= 0 && stat.uid !== user.uid)) {
    throw new ControlDirError(
      `${dir} is not a directory of this user's; remove it, or set XDG_RUNTIME_DIR to a private directory`,
    );
  }
  if ((stat.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  return dir;
}

/**
 * The paths for one shared tunnel: one per control plane target, thing and service, so that
 * sessions to the same device through the same account share it and nothing else does.
 */
export function controlPaths(key: string, env = process.env): ControlPaths {
  const name = createHash('sha256').update(key).digest('hex').slice(0, 24);
  if (process.platform === 'win32') {
    // A named pipe: the default security descriptor gives access to this user (and admins).
    return {
      socket: `\\\\.\\pipe\\tunneldesk-${userInfo().username}-${name}`,
      lock: join(tmpdir(), `tunneldesk-${name}.lock`),
    };
  }
  const dir = controlDir(env);
  return { socket: join(dir, `${name}.sock`), lock: join(dir, `${name}.lock`) };
}

/** Connects to a holder; undefined when none listens there (no socket, or a stale one). */
export function connectControl(path: string): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(path);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', () => resolve(undefined));
  });
}

/** Whether a process of this pid runs (EPERM: it runs, as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The holder's lock: taken, or held by another live process (its pid). */
export type LockResult =
  { readonly taken: true; release(): void } | { readonly taken: false; readonly pid: number };

/** Takes the lock unless a live process has it; a dead holder's lock is taken over. */
export function takeLock(path: string): LockResult {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return {
        taken: true,
        release: () => {
          if (released) return;
          released = true;
          rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let pid: number;
      try {
        pid = Number(readFileSync(path, 'utf8').trim());
      } catch {
        continue; // removed meanwhile: try again
      }
      // A lock whose pid is not written yet belongs to a process that is writing it.
      if (!Number.isInteger(pid) || pid <= 0) return { taken: false, pid: 0 };
      if (alive(pid)) return { taken: false, pid };
      rmSync(path, { force: true });
    }
  }
  return { taken: false, pid: 0 };
}

/**
 * Listens on the control socket (the caller holds the lock, so a file there is stale) and
 * makes it this user's alone: the directory is 0700, and the socket 0600 as well.
 */
export async function listenControl(
  path: string,
  onClient: (socket: net.Socket) => void,
): Promise<net.Server> {
  if (process.platform !== 'win32') rmSync(path, { force: true });
  const server = net.createServer(onClient);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (process.platform !== 'win32') chmodSync(path, 0o600);
  return server;
}
