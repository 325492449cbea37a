/**
 * Fails hung jobs (Coder's jobreaper): running jobs with no update within the hung timeout (their
 * daemon died or lost coderd) and jobs queued past the pending timeout (no daemon can take them).
 * Each failed job gets an explanatory log line. Only one replica reaps at a time: a transaction-
 * scoped advisory lock that the others skip.
 */
import type { Logger } from '../sdk/logger.js';
import { maxJobLogsBytes } from '../sdk/provisioner-jobs.js';
import { withActor } from '../database/authz/actor-context.js';
import { systemActors } from '../database/authz/actors.js';
import type { ProvisionerJobRow } from '../database/models.js';
import type { ProvisionerdService } from './provisionerdserver/provisionerd-service.js';

/** At most this many jobs per pass, as in Coder, so one pass stays a short transaction. */
const maxJobsPerPass = 10;

export class JobReaper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly service: ProvisionerdService,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const tick = () => {
      this.running = this.reapOnce()
        .then(() => undefined)
        .catch((err: unknown) => this.logger.error({ err }, 'hung job detection failed'))
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(tick, this.service.tuning.reaperIntervalMs);
        });
    };
    this.timer = setTimeout(tick, this.service.tuning.reaperIntervalMs);
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass; returns the jobs it failed. Exposed for tests. */
  async reapOnce(): Promise<ProvisionerJobRow[]> {
    const { tuning, store } = this.service;
    // Background work with no user behind it: the background actor.
    const reaped = await withActor(systemActors.background, () =>
      store.inTx(async (tx) => {
        if (!(await tx.tryLockJobReaper())) return [];
        const now = Date.now();
        const hung = await tx.listHungProvisionerJobs(
          new Date(now - tuning.hungJobTimeoutMs),
          new Date(now - tuning.pendingJobTimeoutMs),
          maxJobsPerPass,
        );
        const out: ProvisionerJobRow[] = [];
        for (const job of hung) {
          const running = job.started_at !== null;
          const seconds = Math.round((running ? tuning.hungJobTimeoutMs : tuning.pendingJobTimeoutMs) / 1000);
          const reason = running
            ? `Build has been detected as hung for ${seconds} seconds and will be terminated: its provisioner daemon stopped sending updates.`
            : `Build has been queued for ${seconds} seconds with no provisioner daemon able to run it and will be terminated.`;
          await tx.insertProvisionerJobLogs(
            job.id,
            [
              {
                created_at: new Date(),
                source: 'provisioner_daemon',
                level: 'error',
                stage: 'Cleaning Up',
                output: reason,
              },
            ],
            maxJobLogsBytes,
          );
          const failed = await tx.failProvisionerJob({
            id: job.id,
            worker_id: null,
            error: reason,
            error_code: running ? 'HUNG_JOB' : 'PENDING_JOB_TIMEOUT',
          });
          if (failed) out.push(failed);
        }
        return out;
      }),
    );
    for (const job of reaped) {
      this.logger.warn({ job: job.id, status: job.job_status }, 'failed a hung provisioner job');
      await this.service.publishEndOfLogs(job.id);
    }
    return reaped;
  }
}
