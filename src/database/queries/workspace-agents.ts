/** SQL for workspace agents as they run: lookup by token, connection, lifecycle, start-up and stats reports. */
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
  agent_id: string;
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

/** One stats report of an agent (Coder's workspace_agent_stats row, less the ids it is filed under). */
export interface AgentStatsValues {
  connections_by_proto: Record<string, number>;
  connection_count: number;
  connection_median_latency_ms: number;
  rx_packets: number;
  rx_bytes: number;
  tx_packets: number;
  tx_bytes: number;
  session_count_vscode: number;
  session_count_jetbrains: number;
  session_count_reconnecting_pty: number;
  session_count_ssh: number;
}

/** One stats report as it is filed: who sent it, when, and whether it counts as activity. */
export interface AgentStatsReport extends AgentStatsValues {
  id: string;
  agent_id: string;
  created_at: Date;
  /** Open sessions: the workspace's last_used_at is bumped. */
  activity: boolean;
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
  /**
   * Files stats reports (of any agents) under their agents' workspaces, owners and templates, and
   * bumps last_used_at of the workspaces of reports with `activity`, in one statement.
   */
  insertWorkspaceAgentStats(reports: AgentStatsReport[]): Promise<void>;
  listWorkspaceAgentMetadataByAgentId(agentId: string): Promise<WorkspaceAgentMetadataRow[]>;
  /**
   * Stores the values of keys their agents have, for many agents in one statement (the metadata
   * batcher's flush); returns the agents that had a value updated.
   */
  updateWorkspaceAgentMetadata(values: AgentMetadataValue[]): Promise<string[]>;
  /**
   * The liveness refresh of every agent attached to `replicaId`, in one statement: returns the
   * agents whose row still names that replica (the others moved to another replica meanwhile).
   */
  refreshWorkspaceAgentConnections(ids: string[], replicaId: string, at: Date): Promise<string[]>;
  /** Of `ids`, the agents still of their workspace's latest build (and the workspace not deleted). */
  listCurrentWorkspaceAgentIds(ids: string[]): Promise<string[]>;
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
    async insertWorkspaceAgentStats(reports) {
      if (reports.length === 0) return;
      await db.query(
        `WITH v AS (
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, agent_id uuid, created_at timestamptz,
               activity boolean, connections_by_proto jsonb, connection_count bigint,
               connection_median_latency_ms double precision, rx_packets bigint, rx_bytes bigint,
               tx_packets bigint, tx_bytes bigint, session_count_vscode bigint, session_count_jetbrains bigint,
               session_count_reconnecting_pty bigint, session_count_ssh bigint)),
         owned AS (
           SELECT v.*, w.id AS workspace_id, w.owner_id, w.template_id FROM v
             JOIN workspace_agents a ON a.id = v.agent_id
             JOIN workspace_resources r ON r.id = a.resource_id
             JOIN workspace_builds b ON b.job_id = r.job_id
             JOIN workspaces w ON w.id = b.workspace_id),
         ins AS (
           INSERT INTO workspace_agent_stats (id, created_at, user_id, agent_id, workspace_id, template_id,
               connections_by_proto, connection_count, connection_median_latency_ms, rx_packets, rx_bytes,
               tx_packets, tx_bytes, session_count_vscode, session_count_jetbrains,
               session_count_reconnecting_pty, session_count_ssh)
           SELECT id, created_at, owner_id, agent_id, workspace_id, template_id, connections_by_proto,
               connection_count, connection_median_latency_ms, rx_packets, rx_bytes, tx_packets, tx_bytes,
               session_count_vscode, session_count_jetbrains, session_count_reconnecting_pty, session_count_ssh
             FROM owned)
         UPDATE workspaces SET last_used_at = now() WHERE id IN (SELECT workspace_id FROM owned WHERE activity)`,
        [JSON.stringify(reports)],
      );
    },
    listWorkspaceAgentMetadataByAgentId(agentId) {
      return many(
        db,
        'SELECT * FROM workspace_agent_metadata WHERE workspace_agent_id = $1 ORDER BY display_order, key',
        [agentId],
      );
    },
    async updateWorkspaceAgentMetadata(values) {
      if (values.length === 0) return [];
      const rows = await many<{ agent_id: string }>(
        db,
        `WITH updated AS (
           UPDATE workspace_agent_metadata m SET value = v.value, error = v.error, collected_at = v.collected_at
             FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
                    AS v(agent_id, key, value, error, collected_at)
            WHERE m.workspace_agent_id = v.agent_id AND m.key = v.key
            RETURNING m.workspace_agent_id)
         SELECT DISTINCT workspace_agent_id AS agent_id FROM updated`,
        [
          values.map((v) => v.agent_id),
          values.map((v) => v.key),
          values.map((v) => v.value),
          values.map((v) => v.error),
          values.map((v) => v.collected_at),
        ],
      );
      return rows.map((r) => r.agent_id);
    },
    async refreshWorkspaceAgentConnections(ids, replicaId, at) {
      if (ids.length === 0) return [];
      const rows = await many<{ id: string }>(
        db,
        `UPDATE workspace_agents SET last_connected_at = $3, disconnected_at = NULL, updated_at = now()
          WHERE id = ANY($1::uuid[]) AND last_connected_replica_id = $2
          RETURNING id`,
        [ids, replicaId, at],
      );
      return rows.map((r) => r.id);
    },
    async listCurrentWorkspaceAgentIds(ids) {
      if (ids.length === 0) return [];
      const rows = await many<{ id: string }>(
        db,
        `SELECT a.id FROM workspace_agents a
           JOIN workspace_resources r ON r.id = a.resource_id
           JOIN workspace_builds b ON b.job_id = r.job_id
           JOIN workspaces w ON w.id = b.workspace_id
          WHERE a.id = ANY($1::uuid[]) AND NOT w.deleted
            AND b.build_number = (SELECT max(build_number) FROM workspace_builds WHERE workspace_id = w.id)`,
        [ids],
      );
      return rows.map((r) => r.id);
    },
  };
}
