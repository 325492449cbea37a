/** SQL for provisioner job logs, capped per job as in Coder (coder-behaviour.md §2.4). */
import { many, one, type Queryable } from '../db.js';
import type { ProvisionerJobLogRow } from '../models.js';
import type { LogLevel, LogSource } from '../../sdk/provisioner-jobs.js';

export interface InsertJobLog {
  created_at: Date;
  source: LogSource;
  level: LogLevel;
  stage: string;
  output: string;
}

export interface ProvisionerJobLogQueries {
  /**
   * Inserts the lines when they fit under the job's byte cap and returns their ids; otherwise
   * inserts nothing, marks the job overflowed and returns an empty list. With `workerId` nothing
   * is written unless that daemon still runs the job (a daemon's final logs, sent with complete).
   */
  insertProvisionerJobLogs(
    jobId: string,
    logs: InsertJobLog[],
    capBytes: number,
    workerId?: string,
    /** NOTIFYs `{"created_after": <first id − 1>}` here when lines were inserted. */
    notifyChannel?: string,
  ): Promise<string[]>;
  listProvisionerJobLogsAfter(jobId: string, afterId: number): Promise<ProvisionerJobLogRow[]>;
}

/** Bytes a batch counts against the job's cap: its output only, as Coder counts. */
export const logBytes = (logs: InsertJobLog[]) => logs.reduce((n, l) => n + Buffer.byteLength(l.output), 0);

/**
 * The lines as rows `t(created_at, source, level, stage, output, n)` from parameters
 * `$first … $first+4` (logLineParams), n keeping their order.
 */
export const logLinesFrom = (first: number) =>
  `unnest($${first}::timestamptz[], $${first + 1}::log_source[], $${first + 2}::log_level[], $${first + 3}::text[], $${first + 4}::text[])
     WITH ORDINALITY AS t(created_at, source, level, stage, output, n)`;

export const logLineParams = (logs: InsertJobLog[]) => [
  logs.map((l) => l.created_at),
  logs.map((l) => l.source),
  logs.map((l) => l.level),
  logs.map((l) => l.stage),
  logs.map((l) => l.output),
];

/** No worker given, or the job is that worker's and unfinished. */
const owned = (param: string) =>
  `(${param}::uuid IS NULL OR (worker_id = ${param}::uuid AND completed_at IS NULL))`;

export function provisionerJobLogQueries(db: Queryable): ProvisionerJobLogQueries {
  return {
    async insertProvisionerJobLogs(jobId, logs, capBytes, workerId, notifyChannel) {
      if (logs.length === 0) return [];
      const size = logBytes(logs);
      // The guarded UPDATE re-checks the cap on the latest row version, so concurrent writers
      // cannot push a job past it together.
      const rows = await many<{ id: string }>(
        db,
        `WITH grant_space AS (
           UPDATE provisioner_jobs SET logs_length = logs_length + $2
           WHERE id = $1 AND logs_length + $2 <= $3 AND ${owned('$9')} RETURNING id
         ), inserted AS (
           INSERT INTO provisioner_job_logs (job_id, created_at, source, level, stage, output)
           SELECT g.id, t.created_at, t.source, t.level, t.stage, t.output
           FROM grant_space g, ${logLinesFrom(4)}
           ORDER BY t.n
           RETURNING id
         )
         SELECT id, CASE WHEN $10::text IS NOT NULL AND id = min(id) OVER () THEN
             pg_notify($10::text, jsonb_build_object('created_after', id - 1)::text)::text END AS pg_notified
         FROM inserted ORDER BY id`,
        [jobId, size, capBytes, ...logLineParams(logs), workerId ?? null, notifyChannel ?? null],
      );
      if (rows.length === 0) {
        await one(
          db,
          `UPDATE provisioner_jobs SET logs_overflowed = true WHERE id = $1 AND ${owned('$2')} RETURNING id`,
          [jobId, workerId ?? null],
        );
      }
      return rows.map((r) => r.id);
    },
    listProvisionerJobLogsAfter: (jobId, afterId) =>
      many(db, `SELECT * FROM provisioner_job_logs WHERE job_id = $1 AND id > $2 ORDER BY id`, [
        jobId,
        afterId,
      ]),
  };
}
