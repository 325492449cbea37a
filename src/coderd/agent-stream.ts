/**
 * Opening a stream to a workspace agent for a user (SSH, port forwarding, the web terminal): the
 * user must have `ssh` on the agent's workspace (checked by the store's policy); the stream goes
 * over the agent's control connection wherever it is, on this replica or relayed through the one
 * holding it (`AgentConnections.openStream`, ADRs 0040 and 0070).
 */
import type { Duplex } from 'node:stream';
import { NotFound } from '../sdk/errors.js';
import { isUuid } from '../sdk/validation.js';
import type { WorkspaceAgentWithWorkspaceRow } from '../database/queries/workspace-agents.js';
import { AgentNotConnected, type OpenStreamOptions } from './agent-connections.js';
import type { RequestContext } from './request-context.js';

/** The `{workspaceagent}` of the route, authorized for connecting. */
export async function connectableAgent(ctx: RequestContext): Promise<WorkspaceAgentWithWorkspaceRow> {
  const id = ctx.params.workspaceagent ?? '';
  const agent = isUuid(id) ? await ctx.api.store.getWorkspaceAgentForConnection(id) : undefined;
  if (!agent) throw new NotFound('Workspace agent not found.');
  return agent;
}

/**
 * One stream to `target` of an agent the caller has authorized, resolved once the agent dialed
 * it. A not-connected error names the agent and workspace, which the connection layer does not
 * know.
 */
export function openAgentStream(
  ctx: RequestContext,
  agent: WorkspaceAgentWithWorkspaceRow,
  target: string,
  opts: OpenStreamOptions = {},
): Promise<Duplex> {
  return ctx.api.agentConnections.openStream(agent.id, target, opts).catch((err: unknown) => {
    if (err instanceof AgentNotConnected)
      throw new AgentNotConnected(
        err.detail,
        `The agent "${agent.name}" of workspace "${agent.workspace_name}" is not connected.`,
      );
    throw err;
  });
}
