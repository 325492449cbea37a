/** SQL for the provisioner job queue (coder-behaviour.md §2.3): post, acquire, heartbeat, finish, cancel, reap. */
import { many, one, prepared, type Queryable } from '../db.js';
import { notificationParams, notifiedColumn, withoutNotified, type Notification } from './notify.js';
import { logBytes, logLineParams, logLinesFrom, type InsertJobLog } from './provisioner-job-logs.js';
import type { ProvisionerJobRow, ProvisionerJobWithQueueRow } from '../models.js';
import type {
  ProvisionerJobStatus,
  ProvisionerJobType,
  ProvisionerType,
} from '../../sdk/provisioner-jobs.js';

export interface InsertProvisionerJobParams {
  id: string;
  organization_id: string;
  initiator_id: string;
  provisioner: ProvisionerType;
  type: ProvisionerJobType;
  input: unknown;
  tags: Record<string, string>;
  file_id: string | null;
}

export interface AcquireProvisionerJobParams {
  worker_id: string;
  organization_id: string;
  provisioners: ProvisionerType[];
  tags: Record<string, string>;
}

export interface FinalJobLogs {
  lines: InsertJobLog[];
  capBytes: number;
}

export interface FailProvisionerJobParams {
  id: string;
  /** The daemon that must own the job; null for the reaper, which fails any unfinished job. */
  worker_id: string | null;
  error: string;
  error_code: string | null;
}

export interface ProvisionerJobQueries {
  /** Returns the job with its queue position, read in the same statement; sends `notify` with it. */
  insertProvisionerJob(
    p: InsertProvisionerJobParams,
    notify?: Notification,
  ): Promise<ProvisionerJobWithQueueRow>;
  /** Exactly-once FIFO acquisition: one statement, FOR UPDATE SKIP LOCKED. */
  acquireProvisionerJob(p: AcquireProvisionerJobParams): Promise<ProvisionerJobRow | undefined>;
  getProvisionerJobById(id: string): Promise<ProvisionerJobWithQueueRow | undefined>;
  /** Newest first; `statuses` (when given) keeps only jobs in one of them. */
  listProvisionerJobsByOrganization(
    organizationId: string,
    limit: number,
    statuses?: ProvisionerJobStatus[],
  ): Promise<ProvisionerJobWithQueueRow[]>;
  /** The heartbeat: bumps updated_at when the worker still owns the unfinished job. */
  heartbeatProvisionerJob(id: string, workerId: string): Promise<{ canceled_at: Date | null } | undefined>;
  /**
   * Completes the worker's unfinished job; with `logs`, stores the daemon's last lines in the same
   * statement (under the job's byte cap, else marking it overflowed); sends `notify` only when it
   * completes the job.
   */
  completeProvisionerJob(
    id: string,
    workerId: string,
    opts?: { logs?: FinalJobLogs; notify?: Notification },
  ): Promise<ProvisionerJobRow | undefined>;
  /**
   * A job that was being canceled ends canceled (its error is kept in the log instead). Sends
   * `notify` only when it fails the job.
   */
  failProvisionerJob(
    p: FailProvisionerJobParams,
    notify?: Notification,
  ): Promise<ProvisionerJobRow | undefined>;
  /** Pending jobs end canceled at once; running ones become canceling. */
  cancelProvisionerJob(id: string): Promise<ProvisionerJobRow | undefined>;
  /** Takes the reaper's transaction-scoped advisory lock; false when another replica holds it. */
  tryLockJobReaper(): Promise<boolean>;
  listHungProvisionerJobs(
    runningBefore: Date,
    pendingBefore: Date,
    limit: number,
  ): Promise<ProvisionerJobRow[]>;
}

/** Arbitrary constant naming the reaper's advisory lock. */
export const reaperLockId = 0x48414e47_01;

export const withQueue = `
  WITH queue AS (
    SELECT id, row_number() OVER (ORDER BY created_at, id) AS pos, count(*) OVER () AS size
    FROM provisioner_jobs WHERE started_at IS NULL AND completed_at IS NULL
  )
  SELECT j.*, coalesce(q.pos, 0)::int AS queue_position,
    coalesce(q.size, (SELECT count(*) FROM queue), 0)::int AS queue_size, d.name AS worker_name
  FROM provisioner_jobs j
  LEFT JOIN queue q ON q.id = j.id
  LEFT JOIN provisioner_daemons d ON d.id = j.worker_id`;

export function provisionerJobQueries(db: Queryable): ProvisionerJobQueries {
  return {
    async insertProvisionerJob(p, notify) {
      // The count runs on the statement's snapshot, which does not hold the new row: it is last.
      const row = await one<ProvisionerJobWithQueueRow>(
        db,
        prepared(
          'insert_provisioner_job',
          `WITH j AS (
           INSERT INTO provisioner_jobs (id, organization_id, initiator_id, provisioner, type, input, tags, file_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *
         ), q AS (
           SELECT count(*)::int + 1 AS n FROM provisioner_jobs WHERE started_at IS NULL AND completed_at IS NULL
         )
         SELECT j.*, q.n AS queue_position, q.n AS queue_size, NULL::text AS worker_name,
           ${notifiedColumn(9, 10)}
         FROM j, q`,
        ),
        [
          p.id,
          p.organization_id,
          p.initiator_id,
          p.provisioner,
          p.type,
          JSON.stringify(p.input ?? {}),
          JSON.stringify(p.tags),
          p.file_id,
          ...notificationParams(notify),
        ],
      );
      return withoutNotified(row)!;
    },
    acquireProvisionerJob: (p) =>
      one(
        db,
        prepared(
          'acquire_provisioner_job',
          `UPDATE provisioner_jobs SET started_at = clock_timestamp(), updated_at = clock_timestamp(), worker_id = $1
         WHERE id = (
           SELECT id FROM provisioner_jobs
           WHERE started_at IS NULL AND completed_at IS NULL
             AND organization_id = $2
             AND provisioner = ANY($3::provisioner_type[])
             AND provisioner_tagset_contains($4::jsonb, tags)
           ORDER BY created_at, id
           FOR UPDATE SKIP LOCKED
           LIMIT 1
         )
         RETURNING *`,
        ),
        [p.worker_id, p.organization_id, p.provisioners, JSON.stringify(p.tags)],
      ),
    getProvisionerJobById: (id) => one(db, `${withQueue} WHERE j.id = $1`, [id]),
    listProvisionerJobsByOrganization: (organizationId, limit, statuses) =>
      many(
        db,
        `${withQueue} WHERE j.organization_id = $1 AND ($3::text[] IS NULL OR j.job_status = ANY($3::text[]))
         ORDER BY j.created_at DESC LIMIT $2`,
        [organizationId, limit, statuses?.length ? statuses : null],
      ),
    heartbeatProvisionerJob: (id, workerId) =>
      one(
        db,
        `UPDATE provisioner_jobs SET updated_at = clock_timestamp()
         WHERE id = $1 AND worker_id = $2 AND completed_at IS NULL RETURNING canceled_at`,
        [id, workerId],
      ),
    async completeProvisionerJob(id, workerId, { logs, notify } = {}) {
      const lines = logs?.lines ?? [];
      // `owned` locks the job's latest version, so `fits` and the update below see the same
      // logs_length (a concurrent writer waits): the cap holds as in insertProvisionerJobLogs.
      const row = await one<ProvisionerJobRow & { fits?: boolean }>(
        db,
        prepared(
          'complete_provisioner_job',
          `WITH owned AS (
           SELECT id, $3 = 0 OR logs_length + $3 <= $4 AS fits FROM provisioner_jobs
           WHERE id = $1 AND worker_id = $2 AND completed_at IS NULL FOR NO KEY UPDATE
         ), done AS (
           UPDATE provisioner_jobs j SET completed_at = clock_timestamp(), updated_at = clock_timestamp(),
             logs_length = j.logs_length + CASE WHEN o.fits THEN $3 ELSE 0 END,
             logs_overflowed = j.logs_overflowed OR NOT o.fits
           FROM owned o WHERE j.id = o.id
           RETURNING j.*, o.fits
         ), logged AS (
           INSERT INTO provisioner_job_logs (job_id, created_at, source, level, stage, output)
           SELECT d.id, t.created_at, t.source, t.level, t.stage, t.output
           FROM done d, ${logLinesFrom(5)}
           WHERE d.fits
           ORDER BY t.n
         )
         SELECT *, ${notifiedColumn(10, 11)} FROM done`,
        ),
        [
          id,
          workerId,
          logBytes(lines),
          logs?.capBytes ?? 0,
          ...logLineParams(lines),
          ...notificationParams(notify),
        ],
      );
      if (!row) return undefined;
      const { fits: _, ...job } = withoutNotified(row)!;
      return job;
    },
    failProvisionerJob: async (p, notify) =>
      withoutNotified(
        await one<ProvisionerJobRow>(
          db,
          `UPDATE provisioner_jobs SET completed_at = clock_timestamp(), updated_at = clock_timestamp(),
             error = CASE WHEN canceled_at IS NULL THEN $3 END,
             error_code = CASE WHEN canceled_at IS NULL THEN $4 END
           WHERE id = $1 AND ($2::uuid IS NULL OR worker_id = $2) AND completed_at IS NULL
           RETURNING *, ${notifiedColumn(5, 6)}`,
          [p.id, p.worker_id, p.error, p.error_code, ...notificationParams(notify)],
        ),
      ),
    cancelProvisionerJob: (id) =>
      one(
        db,
        `UPDATE provisioner_jobs SET canceled_at = clock_timestamp(), updated_at = clock_timestamp(),
           completed_at = CASE WHEN started_at IS NULL THEN clock_timestamp() END
         WHERE id = $1 AND completed_at IS NULL AND canceled_at IS NULL RETURNING *`,
        [id],
      ),
    async tryLockJobReaper() {
      const r = await one<{ locked: boolean }>(db, `SELECT pg_try_advisory_xact_lock($1) AS locked`, [
        reaperLockId,
      ]);
      return r?.locked === true;
    },
    listHungProvisionerJobs: (runningBefore, pendingBefore, limit) =>
      many(
        db,
        `SELECT * FROM provisioner_jobs
         WHERE completed_at IS NULL
           AND ((started_at IS NOT NULL AND updated_at < $1) OR (started_at IS NULL AND updated_at < $2))
         ORDER BY updated_at LIMIT $3 FOR UPDATE SKIP LOCKED`,
        [runningBefore, pendingBefore, limit],
      ),
  };
}
