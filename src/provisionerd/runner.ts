/**
 * Runs one acquired job (Coder's provisionerd/runner): streams logs in batches (flushed at least
 * every logFlushMs), heartbeats, learns of cancellation from each update, cancels the provisioner
 * gracefully and then forcefully, and reports complete or fail. If coderd cannot be reached for
 * giveUpAfterMs the job is abandoned (the server's reaper fails it).
 */
import type { Logger } from '../sdk/logger.js';
import type { LogLevel } from '../sdk/provisioner-jobs.js';
import { ProvisionFailure, type Provisioner, type ProvisionResult } from '../sdk/provisioner.js';
import type { AcquiredJob, DaemonConnection, JobLog } from '../sdk/provisionerd-protocol.js';

export interface RunnerOptions {
  heartbeatMs: number;
  logFlushMs: number;
  /** After a graceful cancel, how long the provisioner gets before it is killed. */
  forceCancelMs: number;
  /** Abandon the job when no update has succeeded for this long. */
  giveUpAfterMs: number;
}

export async function runJob(
  conn: DaemonConnection,
  job: AcquiredJob,
  provisioners: Provisioner[],
  opts: RunnerOptions,
  logger: Logger,
  daemonCancel: AbortSignal,
): Promise<void> {
  const log = logger.child({ job: job.job_id });
  const canceled = new AbortController();
  const killed = new AbortController();
  const abandoned = new AbortController();
  let queue: JobLog[] = [];
  let lastOk = Date.now();
  let flushing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let killTimer: NodeJS.Timeout | undefined;

  const cancel = (why: string) => {
    if (canceled.signal.aborted) return;
    log.info({ why }, 'canceling job');
    canceled.abort(new Error(why));
    killTimer = setTimeout(() => killed.abort(new Error('Cancel timed out')), opts.forceCancelMs);
  };
  const onDaemonCancel = () => cancel('the provisioner daemon was interrupted');
  daemonCancel.addEventListener('abort', onDaemonCancel);
  if (daemonCancel.aborted) onDaemonCancel();

  const flush = (): Promise<void> =>
    (flushing ??= (async () => {
      const logs = queue;
      queue = [];
      try {
        const res = await conn.updateJob({ job_id: job.job_id, logs });
        lastOk = Date.now();
        if (res.canceled) cancel('the job was canceled');
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'precondition_failed' || code === 'not_found') {
          // The server no longer considers this our job (reaped or finished): stop working on it.
          abandoned.abort(err);
          cancel((err as Error).message);
          killed.abort(err);
          return;
        }
        queue = [...logs, ...queue];
        if (Date.now() - lastOk > opts.giveUpAfterMs) {
          log.warn({ err: (err as Error).message }, 'coderd unreachable; giving up the job');
          abandoned.abort(err);
          cancel('coderd is unreachable');
          killed.abort(err);
        }
      } finally {
        flushing = undefined;
      }
    })());

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(
      () => {
        void flush().finally(() => {
          if (!finished) schedule();
        });
      },
      queue.length > 0 ? opts.logFlushMs : opts.heartbeatMs,
    );
  };
  let finished = false;
  const push = (level: LogLevel, stage: string, output: string, source: JobLog['source'] = 'provisioner') => {
    queue.push({ source, level, created_at: Date.now(), stage, output });
    // A first line arms the short flush timer; later lines join the batch.
    if (queue.length === 1 && !flushing) schedule();
  };

  schedule();
  let result: ProvisionResult | undefined;
  let failure: { error: string; code?: string; state?: string } | undefined;
  try {
    const provisioner = provisioners.find((p) => p.type === job.provisioner);
    if (!provisioner) throw new ProvisionFailure(`This daemon cannot run "${job.provisioner}" jobs.`);
    push('info', 'Setting up', `Provisioner daemon acquired job ${job.job_id}.`, 'provisioner_daemon');
    result = await Promise.race([
      provisioner.provision(job, { log: push, canceled: canceled.signal, killed: killed.signal }),
      new Promise<never>((_, reject) =>
        killed.signal.addEventListener('abort', () => reject(killed.signal.reason as Error), { once: true }),
      ),
    ]);
  } catch (err) {
    failure = {
      error: canceled.signal.aborted ? `Job canceled: ${(err as Error).message}` : (err as Error).message,
      code: err instanceof ProvisionFailure ? err.errorCode : undefined,
      state: err instanceof ProvisionFailure ? err.state : undefined,
    };
  } finally {
    finished = true;
    clearTimeout(timer);
    clearTimeout(killTimer);
    daemonCancel.removeEventListener('abort', onDaemonCancel);
  }
  if (abandoned.signal.aborted) return;
  await flushing;
  if (abandoned.signal.aborted) return;
  // The terminal call carries the last log lines; retried briefly since losing it would leave the
  // job hung. A retry after an ambiguous failure may store those lines twice, as a re-sent update may.
  const logs = queue;
  queue = [];
  for (let attempt = 0; ; attempt++) {
    try {
      if (result && !failure) await conn.completeJob({ job_id: job.job_id, result, logs });
      else
        await conn.failJob({
          job_id: job.job_id,
          error: failure?.error ?? 'unknown error',
          error_code: failure?.code,
          state: failure?.state,
          logs,
        });
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'precondition_failed' || Date.now() - lastOk > opts.giveUpAfterMs || attempt > 50) {
        log.warn({ err: (err as Error).message }, 'could not report the job result');
        return;
      }
      await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 2_000)));
    }
  }
}
