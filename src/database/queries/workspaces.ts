/** SQL for workspaces. Template rows are read through queries/templates.ts and template-versions.ts. */
import { many, one, type Queryable } from '../db.js';
import { registerConstraint } from '../pg-errors.js';
import type { WorkspaceRow, WorkspaceWithNamesRow } from '../models.js';
import type { WorkspaceStatus } from '../../sdk/workspaces.js';

registerConstraint('workspaces_owner_name_key', 'name', 'You already have a workspace with this name.');

export interface InsertWorkspaceParams {
  id: string;
  owner_id: string;
  organization_id: string;
  template_id: string;
  name: string;
  autostart_schedule: string | null;
  ttl_ns: bigint | null;
  automatic_updates: 'always' | 'never';
}

export interface ListWorkspacesParams {
  /** Restrict to these owners (the policy uses it for "only my own"). */
  owner_ids?: string[];
  owner_username?: string;
  /** Substring of the name, case-insensitive. */
  name?: string;
  template_name?: string;
  status?: WorkspaceStatus;
  limit: number;
  offset: number;
}

export interface WorkspaceQueries {
  /** A taken name (case-insensitive, per owner, among live workspaces) raises Conflict. */
  insertWorkspace(p: InsertWorkspaceParams): Promise<WorkspaceRow>;
  getWorkspaceById(id: string, includeDeleted?: boolean): Promise<WorkspaceWithNamesRow | undefined>;
  /** A live workspace by owner and name (case-insensitive). */
  getWorkspaceByOwnerAndName(ownerId: string, name: string): Promise<WorkspaceWithNamesRow | undefined>;
  /** Live workspaces, newest first, filtered; count is before paging. */
  listWorkspaces(p: ListWorkspacesParams): Promise<{ workspaces: WorkspaceWithNamesRow[]; count: number }>;
  updateWorkspaceName(id: string, name: string): Promise<WorkspaceRow | undefined>;
  updateWorkspaceTTL(id: string, ttlNs: bigint | null): Promise<WorkspaceRow | undefined>;
  updateWorkspaceAutostart(id: string, schedule: string | null): Promise<WorkspaceRow | undefined>;
  /** Frees the name; the rows stay for history. */
  markWorkspaceDeleted(id: string): Promise<void>;
}

const withNames = `
  SELECT w.*, u.username AS owner_username, u.avatar_url AS owner_avatar_url,
    o.name AS organization_name, t.name AS template_name, t.display_name AS template_display_name,
    t.icon AS template_icon, t.active_version_id AS template_active_version_id,
    t.allow_user_cancel_workspace_jobs AS template_allow_user_cancel_workspace_jobs,
    t.require_active_version AS template_require_active_version
  FROM workspaces w
  JOIN users u ON u.id = w.owner_id
  JOIN organizations o ON o.id = w.organization_id
  JOIN templates t ON t.id = w.template_id`;

// Mirrors src/coderd/workspace-status.ts so `status:` filters in SQL and pages stay right.
const statusOfLatestBuild = `
  (SELECT CASE
     WHEN j.job_status = 'pending' THEN 'pending'
     WHEN j.job_status = 'running' THEN
       CASE b.transition WHEN 'start' THEN 'starting' WHEN 'stop' THEN 'stopping' ELSE 'deleting' END
     WHEN j.job_status = 'succeeded' THEN
       CASE b.transition WHEN 'start' THEN 'running' WHEN 'stop' THEN 'stopped' ELSE 'deleted' END
     ELSE j.job_status::text END
   FROM workspace_builds b JOIN provisioner_jobs j ON j.id = b.job_id
   WHERE b.workspace_id = w.id ORDER BY b.build_number DESC LIMIT 1)`;

export function workspaceQueries(db: Queryable): WorkspaceQueries {
  return {
    async insertWorkspace(p) {
      return (await one<WorkspaceRow>(
        db,
        `INSERT INTO workspaces (id, owner_id, organization_id, template_id, name, autostart_schedule, ttl, automatic_updates)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
        [
          p.id,
          p.owner_id,
          p.organization_id,
          p.template_id,
          p.name,
          p.autostart_schedule,
          p.ttl_ns?.toString() ?? null,
          p.automatic_updates,
        ],
      ))!;
    },
    getWorkspaceById: (id, includeDeleted = false) =>
      one(db, `${withNames} WHERE w.id = $1 AND ($2 OR NOT w.deleted)`, [id, includeDeleted]),
    getWorkspaceByOwnerAndName: (ownerId, name) =>
      one(db, `${withNames} WHERE w.owner_id = $1 AND lower(w.name) = lower($2) AND NOT w.deleted`, [
        ownerId,
        name,
      ]),
    async listWorkspaces(p) {
      const where = `WHERE NOT w.deleted
        AND ($1::uuid[] IS NULL OR w.owner_id = ANY($1))
        AND ($2::text IS NULL OR lower(u.username) = lower($2))
        AND ($3::text IS NULL OR w.name ILIKE '%' || $3 || '%')
        AND ($4::text IS NULL OR lower(t.name) = lower($4))
        AND ($5::text IS NULL OR ${statusOfLatestBuild} = $5)`;
      const args = [
        p.owner_ids ?? null,
        p.owner_username ?? null,
        p.name?.replace(/[\\%_]/g, (c) => `\\${c}`) ?? null,
        p.template_name ?? null,
        p.status ?? null,
      ];
      // Side by side: the page and the total are independent (one round trip instead of two).
      const [workspaces, count] = await Promise.all([
        many<WorkspaceWithNamesRow>(
          db,
          `${withNames} ${where} ORDER BY w.created_at DESC, w.id LIMIT $6 OFFSET $7`,
          [...args, p.limit, p.offset],
        ),
        one<{ n: number }>(
          db,
          `SELECT count(*)::int AS n FROM workspaces w JOIN users u ON u.id = w.owner_id
           JOIN templates t ON t.id = w.template_id ${where}`,
          args,
        ),
      ]);
      return { workspaces, count: count?.n ?? 0 };
    },
    updateWorkspaceName: (id, name) =>
      one(
        db,
        `UPDATE workspaces SET name = $2, updated_at = now() WHERE id = $1 AND NOT deleted RETURNING *`,
        [id, name],
      ),
    updateWorkspaceTTL: (id, ttl) =>
      one(
        db,
        `UPDATE workspaces SET ttl = $2, updated_at = now() WHERE id = $1 AND NOT deleted RETURNING *`,
        [id, ttl?.toString() ?? null],
      ),
    updateWorkspaceAutostart: (id, schedule) =>
      one(
        db,
        `UPDATE workspaces SET autostart_schedule = $2, updated_at = now() WHERE id = $1 AND NOT deleted RETURNING *`,
        [id, schedule],
      ),
    async markWorkspaceDeleted(id) {
      await db.query(`UPDATE workspaces SET deleted = true, updated_at = now() WHERE id = $1`, [id]);
    },
  };
}
