/** Runs OpenSSH clients (ssh, scp) to completion, collecting their output, for tests. */
import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running tool: its result, and a way to wait for its output (not for a fixed time, which
 * is too short on a loaded machine). */
export type RunningTool = Promise<RunResult> & { printed(text: string): Promise<void> };

export function runTool(
  command: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): RunningTool {
  const waiters: { text: string; resolve: () => void }[] = [];
  let printedSoFar = '';
  const result = new Promise<RunResult>((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      printedSoFar = stdout;
      for (const waiter of waiters.filter((w) => stdout.includes(w.text))) waiter.resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} timed out:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return Object.assign(result, {
    printed: (text: string) =>
      printedSoFar.includes(text)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ text, resolve })),
  });
}
