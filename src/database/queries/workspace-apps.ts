/**
 * SQL for reaching workspace apps: resolving an app URL to its workspace, agent and app or port
 * (the owner named in the URL must own the workspace, even when the workspace is named by id —
 * Coder advisory GHSA-5wg6-jmq2-53pw), port shares, and app health reports.
 */
import { many, one, type Queryable } from '../db.js';
import type { WorkspaceAppRow } from '../models.js';
import type { WorkspaceAppHealth, WorkspaceAppSharingLevel } from '../../sdk/workspaces.js';
import type { PortShareProtocol } from '../../sdk/workspace-apps.js';

/** What an app URL names. Names match case-insensitively; a UUID may stand for a name. */
export interface WorkspaceAppLookup {
  usernameOrId: string;
  workspaceNameOrId: string;
  /** '' when the URL names no agent (allowed when the workspace has exactly one). */
  agentNameOrId: string;
  /** An app slug, unless `port` is set. */
  slug: string;
  port?: number;
}

/** How the app is reached, which decides what its sharing level may grant (deployment flags). */
export interface AppAccess {
  method: 'path' | 'subdomain';
  allowPathAppSharing: boolean;
  allowPathAppSiteOwnerAccess: boolean;
}

export interface WorkspaceAppTarget {
  workspace_id: string;
  workspace_name: string;
  owner_id: string;
  owner_username: string;
  organization_id: string;
  /** The latest build's transition: apps of a stopped workspace are refused. */
  transition: 'start' | 'stop' | 'delete';
  /** Unset when the workspace is not started. */
  agent?: { id: string; name: string };
  /** The app, for slug lookups. */
  app?: WorkspaceAppRow;
  /** The level that applies: the app's, or for ports the share's capped by the template's maximum. */
  sharing_level: WorkspaceAppSharingLevel;
}

export interface PortShareRow {
  workspace_id: string;
  agent_name: string;
  port: number;
  share_level: WorkspaceAppSharingLevel;
  protocol: PortShareProtocol;
}

export interface WorkspaceAppQueries {
  /** Undefined when nothing matches (and, through the policy, when the actor may not connect). */
  getWorkspaceAppForConnection(
    lookup: WorkspaceAppLookup,
    access: AppAccess,
  ): Promise<WorkspaceAppTarget | undefined>;
  listWorkspacePortShares(workspaceId: string): Promise<PortShareRow[]>;
  upsertWorkspacePortShare(row: PortShareRow): Promise<PortShareRow>;
  deleteWorkspacePortShare(workspaceId: string, agentName: string, port: number): Promise<boolean>;
  /** Sets the health of the agent's apps that have a healthcheck; returns how many changed. */
  updateWorkspaceAppHealths(agentId: string, healths: Record<string, WorkspaceAppHealth>): Promise<number>;
}

const levels: WorkspaceAppSharingLevel[] = ['owner', 'authenticated', 'public'];
const lower = (a: WorkspaceAppSharingLevel, b: WorkspaceAppSharingLevel) =>
  levels.indexOf(a) <= levels.indexOf(b) ? a : b;

export function workspaceAppQueries(db: Queryable): WorkspaceAppQueries {
  return {
    async getWorkspaceAppForConnection(lookup) {
      const w = await one<
        Omit<WorkspaceAppTarget, 'agent' | 'app' | 'sharing_level'> & {
          job_id: string;
          max_port_sharing_level: WorkspaceAppSharingLevel;
        }
      >(
        db,
        `SELECT w.id AS workspace_id, w.name AS workspace_name, w.owner_id, u.username AS owner_username,
                w.organization_id, b.transition, b.job_id, t.max_port_sharing_level
           FROM workspaces w
           JOIN users u ON u.id = w.owner_id AND NOT u.deleted
           JOIN templates t ON t.id = w.template_id
           JOIN LATERAL (SELECT transition, job_id FROM workspace_builds
                          WHERE workspace_id = w.id ORDER BY build_number DESC LIMIT 1) b ON true
          WHERE NOT w.deleted
            AND (u.id::text = lower($1) OR lower(u.username) = lower($1))
            AND (w.id::text = lower($2) OR lower(w.name) = lower($2))`,
        [lookup.usernameOrId, lookup.workspaceNameOrId],
      );
      if (!w) return undefined;
      const { job_id, max_port_sharing_level, ...workspace } = w;
      if (w.transition !== 'start') return { ...workspace, sharing_level: 'owner' };
      const agents = await many<{ id: string; name: string }>(
        db,
        `SELECT a.id, a.name FROM workspace_agents a JOIN workspace_resources r ON r.id = a.resource_id
          WHERE r.job_id = $1 ORDER BY a.name`,
        [job_id],
      );
      const named = lookup.agentNameOrId.toLowerCase();
      const agentOf = (pred: (a: { id: string; name: string }) => boolean) => agents.find(pred);
      if (lookup.port !== undefined) {
        const agent = named
          ? agentOf((a) => a.id === named || a.name.toLowerCase() === named)
          : agents.length === 1
            ? agents[0]
            : undefined;
        if (!agent) return undefined;
        const share = await one<{ share_level: WorkspaceAppSharingLevel }>(
          db,
          `SELECT share_level FROM workspace_agent_port_share
            WHERE workspace_id = $1 AND agent_name = $2 AND port = $3`,
          [w.workspace_id, agent.name, lookup.port],
        );
        const level = lower(share?.share_level ?? 'owner', max_port_sharing_level);
        return { ...workspace, agent, sharing_level: level };
      }
      // App slugs are unique per workspace; the agent in the URL, if any, must be the app's.
      const app = await one<WorkspaceAppRow>(
        db,
        `SELECT * FROM workspace_apps WHERE agent_id = ANY($1::uuid[]) AND slug = $2 LIMIT 1`,
        [agents.map((a) => a.id), lookup.slug],
      );
      const agent = app && agentOf((a) => a.id === app.agent_id);
      if (!app || !agent) return undefined;
      if (named && agent.id !== named && agent.name.toLowerCase() !== named) return undefined;
      return { ...workspace, agent, app, sharing_level: app.sharing_level };
    },
    listWorkspacePortShares(workspaceId) {
      return many(
        db,
        'SELECT * FROM workspace_agent_port_share WHERE workspace_id = $1 ORDER BY agent_name, port',
        [workspaceId],
      );
    },
    async upsertWorkspacePortShare(r) {
      return (await one<PortShareRow>(
        db,
        `INSERT INTO workspace_agent_port_share (workspace_id, agent_name, port, share_level, protocol)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (workspace_id, agent_name, port)
         DO UPDATE SET share_level = EXCLUDED.share_level, protocol = EXCLUDED.protocol
         RETURNING *`,
        [r.workspace_id, r.agent_name, r.port, r.share_level, r.protocol],
      ))!;
    },
    async deleteWorkspacePortShare(workspaceId, agentName, port) {
      const r = await db.query(
        'DELETE FROM workspace_agent_port_share WHERE workspace_id = $1 AND agent_name = $2 AND port = $3',
        [workspaceId, agentName, port],
      );
      return (r.rowCount ?? 0) > 0;
    },
    async updateWorkspaceAppHealths(agentId, healths) {
      const ids = Object.keys(healths);
      if (ids.length === 0) return 0;
      const r = await db.query(
        `UPDATE workspace_apps a SET health = u.health::workspace_app_health
           FROM unnest($2::uuid[], $3::text[]) AS u(id, health)
          WHERE a.id = u.id AND a.agent_id = $1 AND a.healthcheck_url <> '' AND a.health::text <> u.health`,
        [agentId, ids, ids.map((id) => healths[id])],
      );
      return r.rowCount ?? 0;
    },
  };
}
