/**
 * Runs one terraform command (never through a shell) with line-by-line output callbacks, and the
 * provisioner's cancellation: a graceful cancel sends SIGINT so Terraform stops its operations and
 * writes the state it has; a forced cancel sends SIGKILL (coder-behaviour.md §3.5).
 */
import { spawn } from 'node:child_process';

export interface CommandOptions {
  binary: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  canceled: AbortSignal;
  killed: AbortSignal;
  /** Each stdout line, unless `captureStdout` keeps stdout whole (JSON or DOT output). */
  onStdout?: (line: string) => void;
  onStderr?: (line: string) => void;
  captureStdout?: boolean;
}

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Whether a cancel signal was sent while it ran. */
  interrupted: boolean;
}

function lines(onLine: ((line: string) => void) | undefined, keep: (chunk: string) => void) {
  let rest = '';
  return {
    push(chunk: string) {
      keep(chunk);
      if (!onLine) return;
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const p of parts) onLine(p.replace(/\r$/, ''));
    },
    end() {
      if (onLine && rest) onLine(rest);
      rest = '';
    },
  };
}

export function runTerraform(opts: CommandOptions): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a forced cancel also ends what it started (a local-exec's
    // processes) and a Ctrl-C at the daemon's terminal reaches it only through the daemon.
    const child = spawn(opts.binary, opts.args, {
      detached: true,
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    const out = lines(opts.captureStdout ? undefined : opts.onStdout, (c) => {
      if (opts.captureStdout) stdout += c;
    });
    const err = lines(opts.onStderr, (c) => {
      // Kept (bounded) for error messages when no callback shows it.
      if (stderr.length < 64 * 1024) stderr += c;
    });
    child.stdout.setEncoding('utf8').on('data', out.push);
    child.stderr.setEncoding('utf8').on('data', err.push);
    const interrupt = () => {
      interrupted = true;
      child.kill('SIGINT');
    };
    const kill = () => {
      interrupted = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    if (opts.killed.aborted) kill();
    else if (opts.canceled.aborted) interrupt();
    opts.canceled.addEventListener('abort', interrupt);
    opts.killed.addEventListener('abort', kill);
    const cleanup = () => {
      opts.canceled.removeEventListener('abort', interrupt);
      opts.killed.removeEventListener('abort', kill);
    };
    child.on('error', (e) => {
      cleanup();
      reject(e);
    });
    child.on('close', (code, signal) => {
      cleanup();
      out.end();
      err.end();
      resolve({ code, signal, stdout, stderr, interrupted });
    });
  });
}
