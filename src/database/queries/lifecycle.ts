/** SQL for the lifecycle executor (autostart, autostop): who may be due, and claiming a tick. */
import { many, one, type Queryable } from '../db.js';
import type { ProvisionerJobStatus } from '../../sdk/provisioner-jobs.js';
import type { UserStatus } from '../../sdk/users.js';
import type { WorkspaceBuildRow } from '../models.js';

/** A workspace with what deciding its next automatic build needs: owner, template, latest build and job. */
export interface LifecycleCandidateRow {
  id: string;
  name: string;
  owner_id: string;
  organization_id: string;
  template_id: string;
  autostart_schedule: string | null;
  dormant_at: Date | null;
  automatic_updates: 'always' | 'never';
  owner_status: UserStatus;
  template_allow_user_autostart: boolean;
  template_autostart_block_days_of_week: number;
  /** Nanoseconds, as text (bigint). */
  template_failure_ttl: string;
  template_require_active_version: boolean;
  template_active_version_id: string;
  build_id: string;
  build_number: number;
  transition: WorkspaceBuildRow['transition'];
  build_template_version_id: string;
  build_created_at: Date;
  deadline: Date;
  job_status: ProvisionerJobStatus;
  job_completed_at: Date | null;
}

export interface LifecycleQueries {
  /**
   * Claims the tick the database clock is in (ticks are `intervalMs` long) for this replica; true
   * for exactly one caller per tick, however many replicas ask and whenever within the tick.
   */
  claimLifecycleTick(intervalMs: number): Promise<boolean>;
  /**
   * Live workspaces that may owe an automatic build at `now` (a superset: the executor decides
   * each one, with the cron schedule, under the workspace's lock).
   */
  listLifecycleCandidates(now: Date): Promise<LifecycleCandidateRow[]>;
  getLifecycleCandidate(workspaceId: string): Promise<LifecycleCandidateRow | undefined>;
}

const tickKey = 'lifecycle_executor_tick';

const candidates = `
  SELECT w.id, w.name, w.owner_id, w.organization_id, w.template_id, w.autostart_schedule, w.dormant_at,
    w.automatic_updates, u.status AS owner_status,
    t.allow_user_autostart AS template_allow_user_autostart,
    t.autostart_block_days_of_week AS template_autostart_block_days_of_week,
    t.failure_ttl AS template_failure_ttl, t.require_active_version AS template_require_active_version,
    t.active_version_id AS template_active_version_id,
    b.id AS build_id, b.build_number, b.transition, b.template_version_id AS build_template_version_id,
    b.created_at AS build_created_at, b.deadline, j.job_status, j.completed_at AS job_completed_at
  FROM workspaces w
  JOIN users u ON u.id = w.owner_id
  JOIN templates t ON t.id = w.template_id
  JOIN LATERAL (SELECT * FROM workspace_builds WHERE workspace_id = w.id ORDER BY build_number DESC LIMIT 1) b
    ON true
  JOIN provisioner_jobs j ON j.id = b.job_id
  WHERE NOT w.deleted`;

export function lifecycleQueries(db: Queryable): LifecycleQueries {
  return {
    async claimLifecycleTick(intervalMs) {
      // Compare-and-set on the last claimed tick number: a replica whose timer fires later in the
      // same tick finds it taken. The database's clock numbers ticks, so replica clocks may differ.
      const r = await one<{ key: string }>(
        db,
        `WITH tick AS (
           SELECT floor(extract(epoch FROM clock_timestamp()) * 1000 / $2)::bigint AS n)
         INSERT INTO site_configs (key, value) SELECT $1, n::text FROM tick
         ON CONFLICT (key) DO UPDATE SET value = excluded.value
           WHERE site_configs.value::bigint < excluded.value::bigint
         RETURNING key`,
        [tickKey, intervalMs],
      );
      return r !== undefined;
    },
    listLifecycleCandidates: (now) =>
      many(
        db,
        `${candidates} AND (
           (b.transition = 'start' AND b.deadline > '0001-01-02' AND b.deadline <= $1) OR
           (b.transition = 'start' AND u.status = 'suspended') OR
           (b.transition = 'stop' AND coalesce(w.autostart_schedule, '') <> '') OR
           (j.job_status = 'failed' AND t.failure_ttl > 0 AND b.transition <> 'delete'))
         ORDER BY w.id`,
        [now],
      ),
    getLifecycleCandidate: (id) => one(db, `${candidates} AND w.id = $1`, [id]),
  };
}
