/**
 * A script run for the user outside an SSH session (startup and cron scripts, metadata): the
 * user's shell with `-c`, stdin at /dev/null, in a process group of its own so a timeout can end
 * the script and everything it started (`kill -- -PGID`), as a terminal's hang-up would.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface ShellProcessOptions {
  shell: string;
  script: string;
  env: Record<string, string>;
  cwd: string;
}

export type ShellProcess = ChildProcessByStdio<null, Readable, Readable>;

export function spawnShell(opts: ShellProcessOptions): ShellProcess {
  return spawn(opts.shell, ['-c', opts.script], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // setsid(): the child leads a new process group (and session, so no terminal signals reach it).
    detached: true,
  });
}

/** Signals the child's whole process group; a group that is already gone is not an error. */
export function signalGroup(child: ShellProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: every process of the group has exited.
  }
}
