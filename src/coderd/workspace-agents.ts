/**
 * The workspace agent's own API (`/workspaceagents/me/*`, agent-token authenticated) and the user
 * side `GET /workspaceagents/{id}`.
 */
import { randomUUID } from 'node:crypto';
import { AgentCapabilitiesHeader, agentCapabilities } from '../sdk/agent-api.js';
import { NotFound } from '../sdk/errors.js';
import { isUuid } from '../sdk/validation.js';
import {
  PostLifecycleRequest,
  PostStartupRequest,
  PostStatsRequest,
  type AgentManifest,
  type PostStatsResponse,
} from '../sdk/agent-api.js';
import type { WorkspaceAgent } from '../sdk/workspaces.js';
import type { WorkspaceAgentWithWorkspaceRow } from '../database/queries/workspace-agents.js';
import type { Store } from '../database/store.js';
import { readJson } from './httpapi/read.js';
import { writeJson } from './httpapi/write.js';
import { jobResources } from './provisioned-resources.js';
import { agentOf, type RequestContext } from './request-context.js';
import { acceptWebSocket } from './websocket.js';
import { publishWorkspaceEvent } from './workspace-events.js';

/** The agent in the API's shape (status, apps, scripts), read through the job it belongs to. */
async function agentView(store: Store, agent: WorkspaceAgentWithWorkspaceRow): Promise<WorkspaceAgent> {
  const resources = (await jobResources(store, [agent.job_id])).get(agent.job_id) ?? [];
  const view = resources.flatMap((r) => r.agents).find((a) => a.id === agent.id);
  if (!view) throw new NotFound('Workspace agent not found.');
  return view;
}

export async function getManifest(ctx: RequestContext): Promise<void> {
  const agent = agentOf(ctx);
  const { store } = ctx.api;
  const [view, metadata] = await Promise.all([
    agentView(store, agent),
    store.listWorkspaceAgentMetadataByAgentId(agent.id),
  ]);
  const manifest: AgentManifest = {
    agent_id: agent.id,
    agent_name: agent.name,
    owner_name: agent.owner_name,
    workspace_id: agent.workspace_id,
    workspace_name: agent.workspace_name,
    coder_url: ctx.api.accessUrl.toString(),
    environment_variables: agent.environment_variables,
    directory: agent.directory,
    motd_file: agent.motd_file,
    apps: view.apps,
    scripts: view.scripts,
    metadata: metadata.map((m) => ({
      key: m.key,
      display_name: m.display_name,
      script: m.script,
      interval: m.interval_seconds,
      timeout: m.timeout_seconds,
    })),
  };
  writeJson(ctx.res, 200, manifest);
}

export async function postLifecycle(ctx: RequestContext): Promise<void> {
  const agent = agentOf(ctx);
  const body = await readJson(ctx.req, PostLifecycleRequest);
  const at = body.changed_at ? new Date(body.changed_at) : new Date();
  const startedAt = body.state === 'starting' ? at : agent.started_at;
  const finishedStarting =
    body.state === 'ready' || body.state === 'start_error' || body.state === 'start_timeout';
  const readyAt = finishedStarting ? at : agent.ready_at;
  await ctx.api.store.updateWorkspaceAgentLifecycle(agent.id, body.state, startedAt, readyAt);
  await publishWorkspaceEvent(ctx.api.pubsub, ctx.logger, agent.workspace_id);
  writeJson(ctx.res, 204, undefined);
}

export async function postStartup(ctx: RequestContext): Promise<void> {
  const agent = agentOf(ctx);
  const body = await readJson(ctx.req, PostStartupRequest);
  await ctx.api.store.updateWorkspaceAgentStartup(
    agent.id,
    body.version,
    body.expanded_directory,
    body.subsystems ?? [],
  );
  writeJson(ctx.res, 200, {});
}

/**
 * A stats report (Coder's UpdateStats): stored, and open sessions of any kind count as use of the
 * workspace (last_used_at). The answer tells the agent when to report next.
 */
export async function postStats(ctx: RequestContext): Promise<void> {
  const agent = agentOf(ctx);
  const stats = await readJson(ctx.req, PostStatsRequest);
  const sessions =
    stats.session_count_ssh +
    stats.session_count_vscode +
    stats.session_count_jetbrains +
    stats.session_count_reconnecting_pty;
  // Filed within a tick by the replica's stats batcher (ADR 0077); the answer does not wait.
  ctx.api.statsBatcher.add([
    { ...stats, id: randomUUID(), agent_id: agent.id, created_at: new Date(), activity: sessions > 0 },
  ]);
  const res: PostStatsResponse = { report_interval: ctx.api.values.agentStatsRefreshIntervalMs * 1e6 };
  writeJson(ctx.res, 200, res);
}

/** The agent's control connection; kept open for liveness (and, later, the tunnel). */
export async function serveAgentRpc(ctx: RequestContext): Promise<void> {
  const agent = agentOf(ctx);
  // What the agent can do beyond the mux (ADR 0053); an older agent sends nothing.
  const capabilities = String(ctx.req.headers[AgentCapabilitiesHeader.toLowerCase()] ?? '').split(',');
  const ws = await acceptWebSocket(ctx);
  await ctx.api.agentConnections.attach(agent, ws, {
    dialback: capabilities.map((c) => c.trim()).includes(agentCapabilities.dialback),
  });
}

/** The `{workspaceagent}` of a user route, if the user may read its workspace. */
export async function workspaceAgentParam(ctx: RequestContext): Promise<WorkspaceAgentWithWorkspaceRow> {
  const id = ctx.params.workspaceagent ?? '';
  const agent = isUuid(id) ? await ctx.api.store.getWorkspaceAgentById(id) : undefined;
  if (!agent) throw new NotFound('Workspace agent not found.');
  return agent;
}

export async function getWorkspaceAgent(ctx: RequestContext): Promise<void> {
  writeJson(ctx.res, 200, await agentView(ctx.api.store, await workspaceAgentParam(ctx)));
}
