/**
 * `GET /workspaceagents/{id}/listening-ports` (Coder's workspaceAgentListeningPorts): coderd asks
 * the connected agent over its tunnel (the `rpc:listening-ports` target, ADR 0043), through the
 * replica holding it if that is another one (ADR 0070), and leaves out ports below 9, ports its
 * apps already use, and well-known non-HTTP ports.
 */
import { InvalidInput } from '../sdk/errors.js';
import { agentRpcMethods } from '../sdk/agent-api.js';
import { callRpc, rpcTarget } from '../sdk/tunnel/index.js';
import {
  agentIgnoredListeningPorts,
  agentMinimumListeningPort,
  type WorkspaceAgentListeningPortsResponse,
} from '../sdk/workspace-agents.js';
import { writeJson } from './httpapi/write.js';
import { agentStatus } from './provisioned-resources.js';
import type { RequestContext } from './request-context.js';
import { workspaceAgentParam } from './workspace-agents.js';

/** An agent that cannot answer in this long is taken as unreachable (Coder: 30 s). */
export const listeningPortsTimeoutMs = 30_000;

function appPort(url: string | null): number | undefined {
  if (!url) return undefined;
  try {
    const port = Number(new URL(url).port);
    return port >= 1 && port <= 65535 ? port : undefined;
  } catch {
    return undefined;
  }
}

export async function getWorkspaceAgentListeningPorts(ctx: RequestContext): Promise<void> {
  const agent = await workspaceAgentParam(ctx);
  const status = agentStatus(agent);
  if (status !== 'connected')
    throw new InvalidInput(`Agent state is "${status}", it must be in the "connected" state.`);
  const [reply, apps] = await Promise.all([
    ctx.api.agentConnections
      .openStream(agent.id, rpcTarget(agentRpcMethods.listeningPorts))
      .then((stream) => callRpc<WorkspaceAgentListeningPortsResponse>(stream, {}, listeningPortsTimeoutMs)),
    ctx.api.store.listWorkspaceAppsByJobIds([agent.job_id]),
  ]);
  const appPorts = new Set(apps.filter((a) => a.agent_id === agent.id).map((a) => appPort(a.url)));
  const ports = (reply?.ports ?? []).filter(
    (p) =>
      p.port >= agentMinimumListeningPort && !appPorts.has(p.port) && !agentIgnoredListeningPorts.has(p.port),
  );
  writeJson(ctx.res, 200, { ports } satisfies WorkspaceAgentListeningPortsResponse);
}
