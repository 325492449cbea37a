/**
 * The protocol endpoint of one connected daemon (Coder's provisionerdserver.server): the same
 * object serves built-in daemons directly and external ones behind the WebSocket. Update, complete
 * and fail only touch a job this daemon acquired and that has not finished (checked in SQL).
 */
import { PreconditionFailed } from '../../sdk/errors.js';
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
      return toAcquiredJob(job);
    });
  }

  updateJob(req: UpdateJobRequest): Promise<UpdateJobResponse> {
    const { store } = this.service;
    return asProvisionerd(async () => {
      const beat = await store.heartbeatProvisionerJob(req.job_id, this.daemon.id);
      if (!beat) throw notOwned(req.job_id);
      await this.touch();
      const ids = await this.insertLogs(req.job_id, req.logs);
      if (ids.length > 0) await this.service.publishLogs(req.job_id, Number(ids[0]) - 1);
      return { canceled: beat.canceled_at !== null };
    });
  }

  completeJob(req: CompleteJobRequest): Promise<void> {
    const { store } = this.service;
    return asProvisionerd(async () => {
      // The final lines go in first (only if the job is still ours), so a reader that sees the job
      // finished also sees all of its logs; the end-of-logs hint below wakes followers for them.
      await this.insertLogs(req.job_id, req.logs ?? []);
      // Results (resources, agents, state) are stored by the template and build services of later
      // issues; the queue only records that the job finished.
      const job = await store.completeProvisionerJob(req.job_id, this.daemon.id);
      if (!job) throw notOwned(req.job_id);
      this.logger.debug({ job: job.id, resources: req.result.resources.length }, 'job completed');
      await this.service.publishEndOfLogs(job.id);
    });
  }

  failJob(req: FailJobRequest): Promise<void> {
    const { store } = this.service;
    return asProvisionerd(async () => {
      await this.insertLogs(req.job_id, req.logs ?? []);
      const job = await store.failProvisionerJob({
        id: req.job_id,
        worker_id: this.daemon.id,
        error: req.error || 'The provisioner failed without a message.',
        error_code: req.error_code ?? null,
      });
      if (!job) throw notOwned(req.job_id);
      if (job.canceled_at) {
        // A canceled job ends canceled; keep the daemon's reason where users look for it.
        await store.insertProvisionerJobLogs(
          job.id,
          [
            {
              created_at: new Date(),
              source: 'provisioner_daemon',
              level: 'warn',
              stage: 'Canceled',
              output: req.error.slice(0, maxLogOutputLength),
            },
          ],
          maxJobLogsBytes,
        );
      }
      await this.service.publishEndOfLogs(job.id);
    });
  }

  /** Stores a daemon's log lines, trimmed to the column limits, if the job is still its own. */
  private insertLogs(jobId: string, logs: JobLog[]): Promise<string[]> {
    if (logs.length === 0) return Promise.resolve([]);
    return this.service.store.insertProvisionerJobLogs(
      jobId,
      logs.map((l) => ({
        created_at: new Date(l.created_at),
        source: l.source,
        level: l.level,
        stage: l.stage.slice(0, maxLogStageLength),
        output: l.output.slice(0, maxLogOutputLength),
      })),
      maxJobLogsBytes,
      this.daemon.id,
    );
  }

  private async touch(): Promise<void> {
    const now = Date.now();
    if (now - this.lastTouch < touchEveryMs) return;
    this.lastTouch = now;
    await this.service.store.touchProvisionerDaemon(this.daemon.id);
  }
}

function notOwned(jobId: string): PreconditionFailed {
  return new PreconditionFailed(
    `Job ${jobId} is not running on this daemon: it finished, was failed by the hung-job detector, or belongs to another daemon.`,
  );
}
