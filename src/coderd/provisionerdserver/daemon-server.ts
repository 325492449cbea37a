/**
 * The protocol endpoint of one connected daemon (Coder's provisionerdserver.server): the same
 * object serves built-in daemons directly and external ones behind the WebSocket. Update, complete
 * and fail only touch a job this daemon acquired and that has not finished (checked in SQL).
 */
import { HangarError, PreconditionFailed } from '../../sdk/errors.js';
import type { Logger } from '../../sdk/logger.js';
import { maxJobLogsBytes, maxLogOutputLength, maxLogStageLength } from '../../sdk/provisioner-jobs.js';
import type {
  AcquiredJob,
  CompleteJobRequest,
  FailJobRequest,
  JobLog,
  ProvisionerDaemonApi,
  UpdateJobRequest,
  UpdateJobResponse,
} from '../../sdk/provisionerd-protocol.js';
import { withActor } from '../../database/authz/actor-context.js';
import { systemActors } from '../../database/authz/actors.js';
import type { ProvisionerDaemonRow, ProvisionerJobRow } from '../../database/models.js';
import type { Store } from '../../database/store.js';
import type { InsertJobLog } from '../../database/queries/provisioner-job-logs.js';
import { storesResult, type AfterCommit } from './job-handlers.js';
import type { ProvisionerdService } from './provisionerd-service.js';

/** last_seen_at is written at most this often per daemon. */
const touchEveryMs = 5_000;

// The daemon is not a user: its calls run as the provisionerd actor; ownership is the worker id.
const asProvisionerd = <T>(fn: () => Promise<T>) => withActor(systemActors.provisionerd, fn);

export function toAcquiredJob(job: ProvisionerJobRow): AcquiredJob {
  return {
    job_id: job.id,
    created_at: job.created_at.toISOString(),
    provisioner: job.provisioner,
    type: job.type,
    organization_id: job.organization_id,
    initiator_id: job.initiator_id,
    tags: job.tags,
    input: job.input,
  };
}

export class DaemonServer implements ProvisionerDaemonApi {
  private lastTouch = 0;
  /**
   * The job this daemon acquired last (it runs one at a time) and whether completing it stores a
   * result, so a job that stores none can skip the transaction.
   */
  private running: { jobId: string; storesResult: boolean } | undefined;

  constructor(
    private readonly service: ProvisionerdService,
    readonly daemon: ProvisionerDaemonRow,
    private readonly logger: Logger,
  ) {}

  get id(): string {
    return this.daemon.id;
  }

  acquireJob(signal: AbortSignal): Promise<AcquiredJob | undefined> {
    const { store, acquirer } = this.service;
    return asProvisionerd(async () => {
      const job = await acquirer.acquire(
        {
          organizationId: this.daemon.organization_id,
          provisioners: this.daemon.provisioners,
          tags: this.daemon.tags,
        },
        async () => {
          await this.touch();
          return store.acquireProvisionerJob({
            worker_id: this.daemon.id,
            organization_id: this.daemon.organization_id,
            provisioners: this.daemon.provisioners,
            tags: this.daemon.tags,
          });
        },
        signal,
      );
      if (!job) return undefined;
      this.logger.debug({ job: job.id }, 'acquired job');
      this.running = { jobId: job.id, storesResult: storesResult(this.service.handlers, job) };
      const handler = this.service.handlers[job.type];
      if (!handler) return toAcquiredJob(job);
      try {
        return { ...toAcquiredJob(job), ...(await handler.acquired(job)) };
      } catch (err) {
        // A job that cannot be prepared (its workspace or file is gone, corrupt input) fails here
        // with a clear message instead of reaching, and wedging, a daemon.
        const message = err instanceof HangarError ? err.message : 'internal error preparing the job';
        if (!(err instanceof HangarError)) this.logger.error({ err, job: job.id }, 'preparing a job failed');
        await this.finish({ job_id: job.id, error: `The job could not be prepared: ${message}` });
        return this.acquireJob(signal);
      }
    });
  }

  updateJob(req: UpdateJobRequest): Promise<UpdateJobResponse> {
    const { store } = this.service;
    return asProvisionerd(async () => {
      const beat = await store.heartbeatProvisionerJob(req.job_id, this.daemon.id);
      if (!beat) throw notOwned(req.job_id);
      await this.touch();
      const channel = this.service.logsNotificationChannel(req.job_id);
      const ids = await this.insertLogs(req.job_id, req.logs, channel);
      if (ids.length > 0 && !channel) await this.service.publishLogs(req.job_id, Number(ids[0]) - 1);
      return { canceled: beat.canceled_at !== null };
    });
  }

  completeJob(req: CompleteJobRequest): Promise<void> {
    const { store, handlers } = this.service;
    return asProvisionerd(async () => {
      let after: AfterCommit | void;
      // The job's final log lines, results and completion commit together: readers never see a
      // succeeded job without its resources, state, parameters or all of its logs. The
      // end-of-logs hint (in the statement, or published below) wakes followers for them.
      const complete = async (tx: Store) => {
        const job = await tx.completeProvisionerJob(req.job_id, this.daemon.id, {
          logs: { lines: toLogRows(req.logs ?? []), capBytes: maxJobLogsBytes },
          notify: this.service.endOfLogsNotification(req.job_id),
        });
        if (!job) throw notOwned(req.job_id);
        return job;
      };
      // Unknown (acquired over an earlier connection of the daemon): the transaction, which is right
      // for every job.
      const oneStatement = this.running?.jobId === req.job_id && !this.running.storesResult;
      try {
        // A job with no result to store (raw echo jobs) completes in its one statement, which
        // writes the row and the last lines atomically: a transaction would only add BEGIN and
        // COMMIT round trips.
        after = oneStatement
          ? void (await complete(store))
          : await store.inTx(async (tx) => {
              const job = await complete(tx);
              return handlers[job.type]?.completed(tx, job, req.result);
            });
      } catch (err) {
        if (err instanceof PreconditionFailed) throw err;
        // A result the server cannot store (e.g. two agents with one name) fails the job instead.
        const message = err instanceof HangarError ? err.message : 'internal error storing the result';
        if (!(err instanceof HangarError))
          this.logger.error({ err, job: req.job_id }, 'storing a job result failed');
        // The rollback took the final lines with it: they go in with the failure.
        return this.failJob({
          job_id: req.job_id,
          error: `The job's result was rejected: ${message}`,
          logs: req.logs,
        });
      }
      this.logger.debug({ job: req.job_id, resources: req.result.resources.length }, 'job completed');
      await after?.();
      await this.service.publishEndOfLogsAfter(req.job_id);
    });
  }

  failJob(req: FailJobRequest): Promise<void> {
    return asProvisionerd(() => this.finish(req));
  }

  /** Fails this daemon's job and lets its type's handler record what it must (partial state). */
  private async finish(req: FailJobRequest): Promise<void> {
    const { store } = this.service;
    await this.insertLogs(req.job_id, req.logs ?? []);
    const error = req.error || 'The provisioner failed without a message.';
    const after = await store.inTx(async (tx) => {
      const job = await tx.failProvisionerJob(
        { id: req.job_id, worker_id: this.daemon.id, error, error_code: req.error_code ?? null },
        this.service.endOfLogsNotification(req.job_id),
      );
      if (!job) throw notOwned(req.job_id);
      if (job.canceled_at) {
        // A canceled job ends canceled; keep the daemon's reason where users look for it.
        await tx.insertProvisionerJobLogs(
          job.id,
          [
            {
              created_at: new Date(),
              source: 'provisioner_daemon',
              level: 'warn',
              stage: 'Canceled',
              output: error.slice(0, maxLogOutputLength),
            },
          ],
          maxJobLogsBytes,
        );
      }
      return this.service.handlers[job.type]?.failed(tx, job, req);
    });
    await after?.();
    await this.service.publishEndOfLogsAfter(req.job_id);
  }

  /** Stores a daemon's log lines, trimmed to the column limits, if the job is still its own. */
  private insertLogs(jobId: string, logs: JobLog[], notifyChannel?: string): Promise<string[]> {
    if (logs.length === 0) return Promise.resolve([]);
    return this.service.store.insertProvisionerJobLogs(
      jobId,
      toLogRows(logs),
      maxJobLogsBytes,
      this.daemon.id,
      notifyChannel,
    );
  }

  private async touch(): Promise<void> {
    const now = Date.now();
    if (now - this.lastTouch < touchEveryMs) return;
    this.lastTouch = now;
    await this.service.store.touchProvisionerDaemon(this.daemon.id);
  }
}

/** A daemon's log lines as rows, trimmed to the column limits. */
function toLogRows(logs: JobLog[]): InsertJobLog[] {
  return logs.map((l) => ({
    created_at: new Date(l.created_at),
    source: l.source,
    level: l.level,
    stage: l.stage.slice(0, maxLogStageLength),
    output: l.output.slice(0, maxLogOutputLength),
  }));
}

function notOwned(jobId: string): PreconditionFailed {
  return new PreconditionFailed(
    `Job ${jobId} is not running on this daemon: it finished, was failed by the hung-job detector, or belongs to another daemon.`,
  );
}
