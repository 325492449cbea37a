/**
 * SQL for the logs agents post (Coder's workspace_agent_logs): inserted under the agent's byte cap
 * in one statement, read back by id for `GET /workspaceagents/{id}/logs[?follow]`.
 */
import { many, one, type Queryable } from '../db.js';
import type { WorkspaceAgentLogRow, WorkspaceAgentLogSourceRow } from '../models.js';
import type { LogLevel } from '../../sdk/provisioner-jobs.js';

export interface InsertAgentLog {
  created_at: Date;
  output: string;
  level: LogLevel;
}

export type InsertAgentLogsResult =
  | { inserted: true; ids: string[]; firstLogs: boolean }
  /** Nothing was written; `newlyOverflowed` is true for the batch that crossed the cap. */
  | { inserted: false; reason: 'overflow'; newlyOverflowed: boolean }
  | { inserted: false; reason: 'unknown_source' };

export interface WorkspaceAgentLogQueries {
  /** All of `logs` or none: a batch that does not fit under `capBytes` marks the agent overflowed. */
  insertWorkspaceAgentLogs(
    agentId: string,
    logSourceId: string,
    logs: InsertAgentLog[],
    capBytes: number,
  ): Promise<InsertAgentLogsResult>;
  listWorkspaceAgentLogsAfter(agentId: string, afterId: number): Promise<WorkspaceAgentLogRow[]>;
  /** Creates the source unless the agent has it already; returns the stored row. */
  ensureWorkspaceAgentLogSource(
    source: Omit<WorkspaceAgentLogSourceRow, 'created_at'>,
  ): Promise<WorkspaceAgentLogSourceRow>;
}

export function workspaceAgentLogQueries(db: Queryable): WorkspaceAgentLogQueries {
  return {
    async insertWorkspaceAgentLogs(agentId, logSourceId, logs, capBytes) {
      const source = await one(
        db,
        'SELECT 1 FROM workspace_agent_log_sources WHERE workspace_agent_id = $1 AND id = $2',
        [agentId, logSourceId],
      );
      if (!source) return { inserted: false, reason: 'unknown_source' };
      const size = logs.reduce((n, l) => n + Buffer.byteLength(l.output), 0);
      // The guarded UPDATE re-checks the cap on the latest row version, so concurrent batches
      // cannot push an agent past it together.
      const rows = await many<{ id: string; before: number }>(
        db,
        `WITH grant_space AS (
           UPDATE workspace_agents SET logs_length = logs_length + $3
           WHERE id = $1 AND logs_length + $3 <= $4 RETURNING id, logs_length - $3 AS before
         )
         INSERT INTO workspace_agent_logs (agent_id, log_source_id, created_at, output, level)
         SELECT g.id, $2, t.created_at, t.output, t.level
         FROM grant_space g,
           unnest($5::timestamptz[], $6::text[], $7::log_level[]) WITH ORDINALITY AS t(created_at, output, level, n)
         ORDER BY t.n
         RETURNING id, (SELECT before FROM grant_space) AS before`,
        [
          agentId,
          logSourceId,
          size,
          capBytes,
          logs.map((l) => l.created_at),
          logs.map((l) => l.output),
          logs.map((l) => l.level),
        ],
      );
      if (rows.length > 0)
        return { inserted: true, ids: rows.map((r) => r.id), firstLogs: rows[0]!.before === 0 };
      const crossed = await one(
        db,
        'UPDATE workspace_agents SET logs_overflowed = true WHERE id = $1 AND NOT logs_overflowed RETURNING id',
        [agentId],
      );
      return { inserted: false, reason: 'overflow', newlyOverflowed: crossed !== undefined };
    },
    listWorkspaceAgentLogsAfter: (agentId, afterId) =>
      many(db, 'SELECT * FROM workspace_agent_logs WHERE agent_id = $1 AND id > $2 ORDER BY id', [
        agentId,
        afterId,
      ]),
    async ensureWorkspaceAgentLogSource(s) {
      await db.query(
        `INSERT INTO workspace_agent_log_sources (workspace_agent_id, id, display_name, icon)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [s.workspace_agent_id, s.id, s.display_name, s.icon],
      );
      return (await one<WorkspaceAgentLogSourceRow>(
        db,
        'SELECT * FROM workspace_agent_log_sources WHERE workspace_agent_id = $1 AND id = $2',
        [s.workspace_agent_id, s.id],
      ))!;
    },
  };
}
