/**
 * Agent logs (Coder's workspace agent logs): the agent posts batches per log source with
 * `PATCH /workspaceagents/me/logs`; users read them with `GET /workspaceagents/{id}/logs`, or
 * follow them over a WebSocket (one JSON array of logs per frame, starting with the backlog) until
 * the agent leaves its workspace's latest build.
 */
import { InvalidInput, PayloadTooLarge } from '../sdk/errors.js';
import { PatchLogsRequest, PostLogSourceRequest } from '../sdk/agent-api.js';
import { agentLogsMaxBytes, externalLogSourceId, type WorkspaceAgentLog } from '../sdk/workspace-agents.js';
import type { WorkspaceAgentLogRow } from '../database/models.js';
import { readJson } from './httpapi/read.js';
import { writeJson } from './httpapi/write.js';
import { afterParam, followLogs, wantsFollow } from './log-follow.js';
import { agentOf, type RequestContext } from './request-context.js';
import { publishWorkspaceEvent, workspaceEventChannel } from './workspace-events.js';
import { workspaceAgentParam } from './workspace-agents.js';

/** Hint that an agent's logs grew: `{"created_after": <id>}` as in Coder (readers re-query anyway). */
export const agentLogsChannel = (agentId: string) => `agent-logs:${agentId}`;

const nilUuid = '00000000-0000-0000-0000-000000000000';

export function toWorkspaceAgentLog(row: WorkspaceAgentLogRow): WorkspaceAgentLog {
  return {
    id: Number(row.id),
    created_at: row.created_at.toISOString(),
    output: row.output,
    level: row.level,
    source_id: row.log_source_id,
  };
}

export async function patchWorkspaceAgentLogs(ctx: RequestContext): Promise<void> {
  const agent = agentOf(ctx);
  const { store, pubsub } = ctx.api;
  // Room for a full batch of maximum-length lines and their JSON.
  const body = await readJson(ctx.req, PatchLogsRequest, 4 << 20);
  let sourceId = body.log_source_id;
  if (sourceId === nilUuid) {
    // Older agents and outside tools post without a source: Coder files those under "External".
    sourceId = externalLogSourceId;
    await store.ensureWorkspaceAgentLogSource({
      workspace_agent_id: agent.id,
      id: sourceId,
      display_name: 'External',
      icon: '/emojis/1f310.png',
    });
  }
  const result = await store.insertWorkspaceAgentLogs(
    agent.id,
    sourceId,
    body.logs.map((l) => ({ created_at: new Date(l.created_at), output: l.output, level: l.level })),
    agentLogsMaxBytes,
  );
  if (!result.inserted) {
    if (result.reason === 'unknown_source')
      throw InvalidInput.field('log_source_id', 'The agent has no log source with this id.');
    // The dashboard shows the overflow once, when it happens.
    if (result.newlyOverflowed) await publishWorkspaceEvent(pubsub, ctx.logger, agent.workspace_id);
    throw new PayloadTooLarge('Logs limit exceeded', {
      detail: `An agent keeps at most ${agentLogsMaxBytes} bytes of logs.`,
    });
  }
  await pubsub
    .publish(agentLogsChannel(agent.id), JSON.stringify({ created_after: Number(result.ids[0]) - 1 }))
    .catch((err: unknown) => ctx.logger.warn({ err }, 'could not publish an agent logs hint'));
  // The first lines change what the workspace shows (it has logs now).
  if (result.firstLogs) await publishWorkspaceEvent(pubsub, ctx.logger, agent.workspace_id);
  writeJson(ctx.res, 200, {});
}

export async function postWorkspaceAgentLogSource(ctx: RequestContext): Promise<void> {
  const agent = agentOf(ctx);
  const body = await readJson(ctx.req, PostLogSourceRequest);
  const row = await ctx.api.store.ensureWorkspaceAgentLogSource({
    workspace_agent_id: agent.id,
    id: body.id,
    display_name: body.display_name,
    icon: body.icon ?? '',
  });
  writeJson(ctx.res, 201, {
    id: row.id,
    workspace_agent_id: row.workspace_agent_id,
    created_at: row.created_at.toISOString(),
    display_name: row.display_name,
    icon: row.icon,
  });
}

export async function getWorkspaceAgentLogs(ctx: RequestContext): Promise<void> {
  const { store } = ctx.api;
  const agent = await workspaceAgentParam(ctx);
  const after = afterParam(ctx);
  if (!wantsFollow(ctx)) {
    const rows = await store.listWorkspaceAgentLogsAfter(agent.id, after);
    writeJson(ctx.res, 200, rows.map(toWorkspaceAgentLog));
    return;
  }
  await followLogs(ctx, after, {
    channels: [agentLogsChannel(agent.id), workspaceEventChannel(agent.workspace_id)],
    ended: async () => {
      const now = await store.getWorkspaceAgentById(agent.id);
      return !now || now.workspace_deleted || now.build_number !== now.latest_build_number;
    },
    rowsAfter: (a) => store.listWorkspaceAgentLogsAfter(agent.id, a),
    frames: (rows) => [JSON.stringify(rows.map(toWorkspaceAgentLog))],
    sendEmptyFirst: true,
  });
}
