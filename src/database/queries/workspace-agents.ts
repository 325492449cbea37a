/** SQL for workspace agents as they run: lookup by token, connection, lifecycle and start-up reports. */
import { many, one, type Queryable } from '../db.js';
import type { WorkspaceAgentMetadataRow, WorkspaceAgentRow } from '../models.js';
import type { WorkspaceAgentLifecycle } from '../../sdk/workspaces.js';

/** An agent with the workspace and build it belongs to. */
export interface WorkspaceAgentWithWorkspaceRow extends WorkspaceAgentRow {
  job_id: string;
  build_id: string;
  workspace_id: string;
  workspace_name: string;
  organization_id: string;
  owner_id: string;
  owner_name: string;
  build_number: number;
  /** The workspace's newest build: an agent of an older one is gone (its logs stream ends). */
  latest_build_number: number;
  workspace_deleted: boolean;
}

export interface AgentMetadataValue {
  key: string;
  value: string;
  error: string;
  collected_at: Date;
}

export interface UpdateAgentConnectionParams {
  id: string;
  first_connected_at: Date | null;
  last_connected_at: Date | null;
  disconnected_at: Date | null;
  /** The replica holding the agent's control connection. */
  replica_id: string;
  /**
   * True when the agent has just attached to `replica_id` (the write always applies). False for a
   * heartbeat or a detach, which apply only while the row still names `replica_id`: an agent that
   * moved to another replica meanwhile is not marked disconnected or pulled back by the old one.
   */
  claim: boolean;
}

export interface WorkspaceAgentQueries {
  /** Only an agent of its workspace's latest build authenticates; older agents are refused. */
  getWorkspaceAgentByAuthTokenHash(hash: Buffer): Promise<WorkspaceAgentWithWorkspaceRow | undefined>;
  getWorkspaceAgentById(id: string): Promise<WorkspaceAgentWithWorkspaceRow | undefined>;
  /** The same row, for opening a connection to the agent (authorized as `ssh`, not `read`). */
  getWorkspaceAgentForConnection(id: string): Promise<WorkspaceAgentWithWorkspaceRow | undefined>;
  /** False when the write did not apply (not claiming, and the agent is on another replica). */
  updateWorkspaceAgentConnection(p: UpdateAgentConnectionParams): Promise<boolean>;
  /** The replica holding the agent's control connection, while it is connected. */
  getWorkspaceAgentReplicaId(id: string): Promise<string | undefined>;
  updateWorkspaceAgentLifecycle(
    id: string,
    state: WorkspaceAgentLifecycle,
    startedAt: Date | null,
    readyAt: Date | null,
  ): Promise<void>;
  updateWorkspaceAgentStartup(
    id: string,
    version: string,
    expandedDirectory: string,
    subsystems: string[],
  ): Promise<void>;
  listWorkspaceAgentMetadataByAgentId(agentId: string): Promise<WorkspaceAgentMetadataRow[]>;
  /** Stores the values of keys the agent has; returns the keys that were updated. */
  updateWorkspaceAgentMetadata(agentId: string, values: AgentMetadataValue[]): Promise<string[]>;
}

const withWorkspace = `
  SELECT a.*, r.job_id, b.id AS build_id, w.id AS workspace_id, w.name AS workspace_name,
         w.organization_id, w.owner_id, u.username AS owner_name, b.build_number,
         (SELECT max(build_number) FROM workspace_builds lb WHERE lb.workspace_id = w.id) AS latest_build_number,
         w.deleted AS workspace_deleted
    FROM workspace_agents a
    JOIN workspace_resources r ON r.id = a.resource_id
    JOIN workspace_builds b ON b.job_id = r.job_id
    JOIN workspaces w ON w.id = b.workspace_id
    JOIN users u ON u.id = w.owner_id`;

export function workspaceAgentQueries(db: Queryable): WorkspaceAgentQueries {
  return {
    getWorkspaceAgentByAuthTokenHash(hash) {
      return one(
        db,
        `${withWorkspace}
          WHERE a.auth_token_hash = $1 AND NOT w.deleted
            AND b.build_number = (SELECT max(build_number) FROM workspace_builds WHERE workspace_id = w.id)
          LIMIT 1`,
        [hash],
      );
    },
    getWorkspaceAgentById(id) {
      return one(db, `${withWorkspace} WHERE a.id = $1`, [id]);
    },
    getWorkspaceAgentForConnection(id) {
      return one(db, `${withWorkspace} WHERE a.id = $1 AND NOT w.deleted`, [id]);
    },
    async updateWorkspaceAgentConnection(p) {
      const r = await db.query(
        `UPDATE workspace_agents SET first_connected_at = $2, last_connected_at = $3, disconnected_at = $4,
                last_connected_replica_id = $5, updated_at = now()
          WHERE id = $1 AND ($6 OR last_connected_replica_id = $5)`,
        [p.id, p.first_connected_at, p.last_connected_at, p.disconnected_at, p.replica_id, p.claim],
      );
      return (r.rowCount ?? 0) > 0;
    },
    async getWorkspaceAgentReplicaId(id) {
      return (
        (
          await one<{ replica: string | null }>(
            db,
            `SELECT last_connected_replica_id AS replica FROM workspace_agents
            WHERE id = $1 AND disconnected_at IS NULL`,
            [id],
          )
        )?.replica ?? undefined
      );
    },
    async updateWorkspaceAgentLifecycle(id, state, startedAt, readyAt) {
      await db.query(
        `UPDATE workspace_agents SET lifecycle_state = $2, started_at = $3, ready_at = $4, updated_at = now()
          WHERE id = $1`,
        [id, state, startedAt, readyAt],
      );
    },
    async updateWorkspaceAgentStartup(id, version, expandedDirectory, subsystems) {
      await db.query(
        `UPDATE workspace_agents SET version = $2, expanded_directory = $3, subsystems = $4, updated_at = now()
          WHERE id = $1`,
        [id, version, expandedDirectory, subsystems],
      );
    },
    listWorkspaceAgentMetadataByAgentId(agentId) {
      return many(
        db,
        'SELECT * FROM workspace_agent_metadata WHERE workspace_agent_id = $1 ORDER BY display_order, key',
        [agentId],
      );
    },
    async updateWorkspaceAgentMetadata(agentId, values) {
      if (values.length === 0) return [];
      const rows = await many<{ key: string }>(
        db,
        `UPDATE workspace_agent_metadata m SET value = v.value, error = v.error, collected_at = v.collected_at
           FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS v(key, value, error, collected_at)
          WHERE m.workspace_agent_id = $1 AND m.key = v.key
          RETURNING m.key`,
        [
          agentId,
          values.map((v) => v.key),
          values.map((v) => v.value),
          values.map((v) => v.error),
          values.map((v) => v.collected_at),
        ],
      );
      return rows.map((r) => r.key);
    },
  };
}
