/**
 * Runs one script once (Coder's agentscripts runner `run`): the user's shell with the workspace
 * environment, stdout as info lines and stderr as error lines of the script's log source, both
 * also written to its log file. A timeout ends the script's whole process group (TERM, then KILL
 * after a grace period). A script that exits while something it started still holds its output
 * open (`server &` without redirection) is given a while, then counted as failed with a warning,
 * so a blocking script cannot keep the workspace `starting` forever.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { LineSplitter } from '../log-sender.js';
import { signalGroup, spawnShell, type ShellProcessOptions } from '../shell-process.js';

/** Coder's ScriptCompleted statuses. */
export type ScriptStatus = 'ok' | 'exit_failure' | 'timed_out' | 'pipes_left_open';

export interface ScriptResult {
  status: ScriptStatus;
  /** The exit code, or 255 when there is none (killed, not started), as Coder reports. */
  exitCode: number;
  startedAt: Date;
  endedAt: Date;
}

export interface RunScriptOptions extends ShellProcessOptions {
  /** 0: no limit. */
  timeoutMs: number;
  logPath: string;
  onLine: (level: 'info' | 'error', line: string) => void;
  /** Ends the script early (agent shutdown); it counts as failed. */
  signal?: AbortSignal;
  /** After TERM, how long before KILL. Coder waits 10 s. */
  killGraceMs?: number;
  /** After the script exits, how long its output may stay open. Coder waits 10 s. */
  pipeWaitMs?: number;
}

async function openLog(path: string): Promise<WriteStream | undefined> {
  const file = createWriteStream(path, { flags: 'w', mode: 0o600 });
  return new Promise((resolve) => {
    file.once('open', () => resolve(file));
    file.once('error', () => resolve(undefined));
  });
}

export async function runScript(opts: RunScriptOptions): Promise<ScriptResult> {
  const startedAt = new Date();
  const file = await openLog(opts.logPath);
  if (!file) opts.onLine('error', `hangar: cannot write the script's log file ${opts.logPath}`);
  const writeBoth = (level: 'info' | 'error') => {
    const lines = new LineSplitter((line) => opts.onLine(level, line));
    return { lines, write: (chunk: Buffer) => (file?.write(chunk), lines.push(chunk)) };
  };
  const out = writeBoth('info');
  const err = writeBoth('error');
  const killGraceMs = opts.killGraceMs ?? 10_000;
  const pipeWaitMs = opts.pipeWaitMs ?? 10_000;

  const status = await new Promise<{ status: ScriptStatus; exitCode: number }>((resolve) => {
    const child = spawnShell(opts);
    let timedOut = false;
    let exited: { code: number | null } | undefined;
    const timers: NodeJS.Timeout[] = [];
    const finish = (s: { status: ScriptStatus; exitCode: number }) => {
      for (const t of timers) clearTimeout(t);
      opts.signal?.removeEventListener('abort', stop);
      resolve(s);
    };
    const stop = () => {
      signalGroup(child, 'SIGTERM');
      timers.push(setTimeout(() => signalGroup(child, 'SIGKILL'), killGraceMs));
    };
    child.stdout.on('data', out.write);
    child.stderr.on('data', err.write);
    child.on('error', (e) => {
      err.write(Buffer.from(`hangar: cannot run the script: ${e.message}\n`));
      finish({ status: 'exit_failure', exitCode: 255 });
    });
    child.on('exit', (code) => {
      exited = { code };
      // Output still open after the script is gone: something it started holds it.
      timers.push(
        setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          err.write(
            Buffer.from(
              `WARNING: script exited successfully, but output pipes were not closed after ${pipeWaitMs / 1000}s. ` +
                'This usually means a child process was started with references to stdout or stderr; ' +
                'redirect its output or run it from a separate coder_script.\n',
            ),
          );
          finish({ status: timedOut ? 'timed_out' : 'pipes_left_open', exitCode: code ?? 255 });
        }, pipeWaitMs),
      );
    });
    // 'close': the process has exited and its output is drained.
    child.on('close', (code) => {
      const exitCode = code ?? exited?.code ?? 255;
      if (timedOut) return finish({ status: 'timed_out', exitCode: 255 });
      finish({ status: exitCode === 0 && !opts.signal?.aborted ? 'ok' : 'exit_failure', exitCode });
    });
    if (opts.timeoutMs > 0)
      timers.push(
        setTimeout(() => {
          timedOut = true;
          err.write(Buffer.from(`hangar: the script timed out after ${opts.timeoutMs / 1000}s\n`));
          stop();
        }, opts.timeoutMs),
      );
    if (opts.signal?.aborted) stop();
    else opts.signal?.addEventListener('abort', stop, { once: true });
  });
  out.lines.end();
  err.lines.end();
  await new Promise<void>((resolve) => (file ? file.end(resolve) : resolve()));
  return { ...status, startedAt, endedAt: new Date() };
}
