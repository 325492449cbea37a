/** SQL for workspace builds: the build rows, their parameters, state, jobs and logs. */
import { many, one, type Queryable } from '../db.js';
import type {
  ProvisionerJobLogRow,
  ProvisionerJobRow,
  ProvisionerJobWithQueueRow,
  TemplateVersionRow,
  WorkspaceBuildRow,
  WorkspaceBuildWithNamesRow,
} from '../models.js';
import type { WorkspaceBuildParameter, WorkspaceTransition } from '../../sdk/workspaces.js';
import { provisionerJobLogQueries } from './provisioner-job-logs.js';
import { provisionerJobQueries, withQueue } from './provisioner-jobs.js';

export interface InsertWorkspaceBuildParams {
  id: string;
  workspace_id: string;
  template_version_id: string;
  build_number: number;
  transition: WorkspaceTransition;
  initiator_id: string;
  job_id: string;
  /** A state to start from instead of the previous build's (which is copied when null). */
  provisioner_state: Buffer | null;
  reason: WorkspaceBuildRow['reason'];
}

/** A build's job, with the workspace it belongs to (for authorization). */
export interface WorkspaceBuildJobRow extends ProvisionerJobWithQueueRow {
  workspace_owner_id: string;
  workspace_organization_id: string;
}

/** A template version with what a build takes from its import job. */
export interface TemplateVersionWithImportRow extends TemplateVersionRow {
  import_job_status: ProvisionerJobRow['job_status'];
  import_job_tags: Record<string, string>;
  import_job_file_id: string | null;
}

export interface WorkspaceBuildQueries {
  getTemplateVersionWithImport(versionId: string): Promise<TemplateVersionWithImportRow | undefined>;
  insertWorkspaceBuild(p: InsertWorkspaceBuildParams): Promise<WorkspaceBuildRow>;
  getWorkspaceBuildById(id: string): Promise<WorkspaceBuildWithNamesRow | undefined>;
  getWorkspaceBuildByJobId(jobId: string): Promise<WorkspaceBuildWithNamesRow | undefined>;
  getWorkspaceBuildByNumber(workspaceId: string, n: number): Promise<WorkspaceBuildWithNamesRow | undefined>;
  /** The latest build of each workspace. */
  listLatestWorkspaceBuilds(workspaceIds: string[]): Promise<WorkspaceBuildWithNamesRow[]>;
  /** Newest first. */
  listWorkspaceBuilds(workspaceId: string): Promise<WorkspaceBuildWithNamesRow[]>;
  /**
   * Locks the workspace's row and returns its latest build, so two concurrent builds cannot both
   * see "no build running" and both insert.
   */
  lockLatestWorkspaceBuild(workspaceId: string): Promise<WorkspaceBuildWithNamesRow | undefined>;
  insertWorkspaceBuildParameters(buildId: string, values: WorkspaceBuildParameter[]): Promise<void>;
  listWorkspaceBuildParameters(buildId: string): Promise<WorkspaceBuildParameter[]>;
  /** The Terraform state bytes (null for none). */
  getWorkspaceBuildState(buildId: string): Promise<Buffer | null>;
  updateWorkspaceBuildState(buildId: string, state: Buffer | null): Promise<void>;
  /** What a finished job leaves on its build: the new state, cost and autostop deadline. */
  updateWorkspaceBuildResult(
    buildId: string,
    r: { state: Buffer | null; daily_cost: number; deadline: Date | null },
  ): Promise<void>;
  listWorkspaceBuildJobs(jobIds: string[]): Promise<WorkspaceBuildJobRow[]>;
  listWorkspaceBuildLogsAfter(buildId: string, afterId: number): Promise<ProvisionerJobLogRow[]>;
  /** Pending jobs end canceled at once; running ones become canceling. */
  cancelWorkspaceBuildJob(buildId: string): Promise<ProvisionerJobRow | undefined>;
  /** An orphan delete never reaches a daemon: its job is finished (succeeded) as it is created. */
  completeOrphanDeleteJob(buildId: string): Promise<void>;
}

const withNames = `
  SELECT b.id, b.workspace_id, b.template_version_id, b.build_number, b.transition, b.initiator_id,
    b.job_id, b.deadline, b.max_deadline, b.reason, b.daily_cost, b.created_at, b.updated_at,
    w.name AS workspace_name, w.owner_id AS workspace_owner_id, o.username AS workspace_owner_username,
    o.avatar_url AS workspace_owner_avatar_url, w.organization_id AS workspace_organization_id,
    w.template_id AS workspace_template_id, v.name AS template_version_name,
    i.username AS initiator_username
  FROM workspace_builds b
  JOIN workspaces w ON w.id = b.workspace_id
  JOIN users o ON o.id = w.owner_id
  JOIN users i ON i.id = b.initiator_id
  JOIN template_versions v ON v.id = b.template_version_id`;

export function workspaceBuildQueries(db: Queryable): WorkspaceBuildQueries {
  return {
    getTemplateVersionWithImport: (id) =>
      one(
        db,
        `SELECT v.*, j.job_status AS import_job_status, j.tags AS import_job_tags, j.file_id AS import_job_file_id
         FROM template_versions v JOIN provisioner_jobs j ON j.id = v.job_id WHERE v.id = $1`,
        [id],
      ),
    async insertWorkspaceBuild(p) {
      return (await one<WorkspaceBuildRow>(
        db,
        `INSERT INTO workspace_builds (id, workspace_id, template_version_id, build_number, transition,
           initiator_id, job_id, provisioner_state, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7,
           coalesce($8, (SELECT provisioner_state FROM workspace_builds WHERE workspace_id = $2
                         ORDER BY build_number DESC LIMIT 1)), $9)
         RETURNING id, workspace_id, template_version_id, build_number, transition, initiator_id, job_id,
           deadline, max_deadline, reason, daily_cost, created_at, updated_at`,
        [
          p.id,
          p.workspace_id,
          p.template_version_id,
          p.build_number,
          p.transition,
          p.initiator_id,
          p.job_id,
          p.provisioner_state,
          p.reason,
        ],
      ))!;
    },
    getWorkspaceBuildById: (id) => one(db, `${withNames} WHERE b.id = $1`, [id]),
    getWorkspaceBuildByJobId: (jobId) => one(db, `${withNames} WHERE b.job_id = $1`, [jobId]),
    getWorkspaceBuildByNumber: (workspaceId, n) =>
      one(db, `${withNames} WHERE b.workspace_id = $1 AND b.build_number = $2`, [workspaceId, n]),
    listLatestWorkspaceBuilds: (ids) =>
      many(
        db,
        `SELECT DISTINCT ON (x.workspace_id) x.* FROM (${withNames} WHERE b.workspace_id = ANY($1)) x
         ORDER BY x.workspace_id, x.build_number DESC`,
        [ids],
      ),
    listWorkspaceBuilds: (workspaceId) =>
      many(db, `${withNames} WHERE b.workspace_id = $1 ORDER BY b.build_number DESC`, [workspaceId]),
    async lockLatestWorkspaceBuild(workspaceId) {
      await db.query(`SELECT 1 FROM workspaces WHERE id = $1 FOR UPDATE`, [workspaceId]);
      return one(db, `${withNames} WHERE b.workspace_id = $1 ORDER BY b.build_number DESC LIMIT 1`, [
        workspaceId,
      ]);
    },
    async insertWorkspaceBuildParameters(buildId, values) {
      if (values.length === 0) return;
      await db.query(
        `INSERT INTO workspace_build_parameters (workspace_build_id, name, value)
         SELECT $1, n, v FROM unnest($2::text[], $3::text[]) AS t(n, v)`,
        [buildId, values.map((v) => v.name), values.map((v) => v.value)],
      );
    },
    listWorkspaceBuildParameters: (buildId) =>
      many(
        db,
        `SELECT name, value FROM workspace_build_parameters WHERE workspace_build_id = $1 ORDER BY name`,
        [buildId],
      ),
    async getWorkspaceBuildState(buildId) {
      const r = await one<{ s: Buffer | null }>(
        db,
        `SELECT provisioner_state AS s FROM workspace_builds WHERE id = $1`,
        [buildId],
      );
      return r?.s ?? null;
    },
    async updateWorkspaceBuildState(buildId, state) {
      await db.query(`UPDATE workspace_builds SET provisioner_state = $2, updated_at = now() WHERE id = $1`, [
        buildId,
        state,
      ]);
    },
    async updateWorkspaceBuildResult(buildId, r) {
      await db.query(
        `UPDATE workspace_builds SET provisioner_state = $2, daily_cost = $3,
           deadline = coalesce($4, deadline), updated_at = now() WHERE id = $1`,
        [buildId, r.state, r.daily_cost, r.deadline],
      );
    },
    listWorkspaceBuildJobs: (jobIds) =>
      many(
        db,
        `SELECT x.*, w.owner_id AS workspace_owner_id, w.organization_id AS workspace_organization_id
         FROM (${withQueue} WHERE j.id = ANY($1)) x
         JOIN workspace_builds b ON b.job_id = x.id JOIN workspaces w ON w.id = b.workspace_id`,
        [jobIds],
      ),
    async listWorkspaceBuildLogsAfter(buildId, afterId) {
      const b = await one<{ job_id: string }>(db, `SELECT job_id FROM workspace_builds WHERE id = $1`, [
        buildId,
      ]);
      return b ? provisionerJobLogQueries(db).listProvisionerJobLogsAfter(b.job_id, afterId) : [];
    },
    async cancelWorkspaceBuildJob(buildId) {
      const b = await one<{ job_id: string }>(db, `SELECT job_id FROM workspace_builds WHERE id = $1`, [
        buildId,
      ]);
      return b ? provisionerJobQueries(db).cancelProvisionerJob(b.job_id) : undefined;
    },
    async completeOrphanDeleteJob(buildId) {
      await db.query(
        `UPDATE provisioner_jobs SET started_at = clock_timestamp(), completed_at = clock_timestamp(),
           updated_at = clock_timestamp()
         WHERE id = (SELECT job_id FROM workspace_builds WHERE id = $1 AND transition = 'delete')
           AND started_at IS NULL`,
        [buildId],
      );
    },
  };
}
