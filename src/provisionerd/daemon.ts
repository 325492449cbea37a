/**
 * One provisioner daemon (Coder's provisionerd): connect, long-poll for a job, run it with the
 * provisioner for its type, repeat. One job at a time. The transport is injected, so built-in
 * daemons (in-process) and external ones (WebSocket) run exactly this code. Reconnects with
 * exponential backoff 50 ms → 10 s; an authentication failure stops it for good.
 */
import { sleep } from '../sdk/sleep.js';
import type { Logger } from '../sdk/logger.js';
import type { Provisioner } from '../sdk/provisioner.js';
import type { DaemonConnection, DaemonDialer, DaemonRegistration } from '../sdk/provisionerd-protocol.js';
import { runJob, type RunnerOptions } from './runner.js';

export interface ProvisionerDaemonOptions {
  registration: DaemonRegistration;
  dial: DaemonDialer;
  provisioners: Provisioner[];
  logger: Logger;
  runner?: Partial<RunnerOptions>;
  /** Called when the daemon stops for good (its key was refused, its organization is unknown). */
  onFatal?: (err: Error) => void;
}

export const defaultRunnerOptions: RunnerOptions = {
  heartbeatMs: 5_000,
  logFlushMs: 250,
  forceCancelMs: 10 * 60_000,
  giveUpAfterMs: 45_000,
};

/** Answers that retrying cannot change: a refused credential, an unknown organization or type. */
const fatalDialCodes = new Set(['unauthenticated', 'forbidden', 'not_found', 'invalid_input']);

const minBackoffMs = 50;
const maxBackoffMs = 10_000;

export class ProvisionerDaemon {
  private readonly stopAcquire = new AbortController();
  private readonly cancelJob = new AbortController();
  private connection: DaemonConnection | undefined;
  private readonly done: Promise<void>;
  private readonly runner: RunnerOptions;
  /** The job being run, for tests and status. */
  currentJobId: string | undefined;

  constructor(private readonly options: ProvisionerDaemonOptions) {
    this.runner = { ...defaultRunnerOptions, ...options.runner };
    this.done = this.loop();
  }

  /** Resolves when the daemon has stopped. */
  get stopped(): Promise<void> {
    return this.done;
  }

  /** SIGTERM: finish the running job, then stop. */
  shutdown(): Promise<void> {
    this.stopAcquire.abort();
    return this.done;
  }

  /** SIGINT: cancel the running job (it ends canceled or failed), then stop. */
  cancelAndStop(): Promise<void> {
    this.stopAcquire.abort();
    this.cancelJob.abort();
    return this.done;
  }

  private async loop(): Promise<void> {
    const { logger } = this.options;
    let backoff = minBackoffMs;
    while (!this.stopAcquire.signal.aborted) {
      let conn: DaemonConnection;
      try {
        conn = await this.options.dial(this.options.registration);
      } catch (err) {
        if (fatalDialCodes.has((err as { code?: string }).code ?? '')) {
          logger.error({ err }, 'the server refused this provisioner daemon');
          this.options.onFatal?.(err as Error);
          return;
        }
        logger.warn({ err: (err as Error).message, retryMs: backoff }, 'could not connect to coderd');
        await sleep(backoff, this.stopAcquire.signal);
        backoff = Math.min(backoff * 2, maxBackoffMs);
        continue;
      }
      backoff = minBackoffMs;
      this.connection = conn;
      try {
        await this.serve(conn);
      } catch (err) {
        if (!this.stopAcquire.signal.aborted)
          logger.warn({ err: (err as Error).message }, 'connection to coderd lost');
      } finally {
        conn.close();
        this.connection = undefined;
      }
    }
  }

  private async serve(conn: DaemonConnection): Promise<void> {
    const lost = new AbortController();
    void conn.closed.then(() => lost.abort());
    while (!this.stopAcquire.signal.aborted) {
      if (lost.signal.aborted) throw new Error('connection closed');
      const signal = AbortSignal.any([this.stopAcquire.signal, lost.signal]);
      const job = await conn.acquireJob(signal);
      if (!job) continue;
      this.currentJobId = job.job_id;
      try {
        await runJob(
          conn,
          job,
          this.options.provisioners,
          this.runner,
          this.options.logger,
          this.cancelJob.signal,
        );
      } finally {
        this.currentJobId = undefined;
      }
    }
  }
}
