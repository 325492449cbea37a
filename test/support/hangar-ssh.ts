// OpenSSH through `hangar ssh --stdio` as its ProxyCommand, the way users reach workspaces, and a
// poll-until helper for multi-process tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSshOptions } from '../../src/cli/commands/config-ssh/ssh-config-block.js';
import { shellQuote } from '../../src/sdk/shell-quote.js';
import { hangarBin } from './server.js';
import { pollUntil } from './wait.js';

/** Polls `fn` every 100 ms until it returns something other than undefined/false; errors count as "not yet". */
export function eventually<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  ms = 20_000,
): Promise<T> {
  return pollUntil(what, fn, { ms, intervalMs: 100, retryErrors: true });
}

export interface Ssh {
  child: ChildProcess;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  stdout(): string;
}

/** Runs `command` in `owner/<workspace>` with OpenSSH, through the server at `url`. */
export function sshThroughHangar(url: string, token: string, workspace: string, command: string): Ssh {
  const proxy = [process.execPath, hangarBin, 'ssh', '--stdio', `owner/${workspace}`]
    .map(shellQuote)
    .join(' ');
  const child = spawn(
    'ssh',
    [...['-F', '/dev/null', '-o', 'BatchMode=yes', ...openSshOptions(proxy)], `hangar.${workspace}`, command],
    {
      env: { ...process.env, HANGAR_URL: url, HANGAR_SESSION_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done, stdout: () => stdout };
}
