/**
 * Opening a stream to a workspace agent for a user (SSH, port forwarding, the web terminal): the
 * user must have `ssh` on the agent's workspace (checked by the store's policy), and the agent
 * must be connected to this replica's control connections (ADR 0040).
 */
import { NotFound, Unavailable } from '../sdk/errors.js';
import type { Mux } from '../sdk/tunnel/index.js';
import { isUuid } from '../sdk/validation.js';
import type { WorkspaceAgentWithWorkspaceRow } from '../database/queries/workspace-agents.js';
import type { RequestContext } from './request-context.js';

export interface ConnectedAgent {
  agent: WorkspaceAgentWithWorkspaceRow;
  mux: Mux;
}

/** The `{workspaceagent}` of the route, authorized for connecting, with its live mux. */
export async function connectableAgent(ctx: RequestContext): Promise<ConnectedAgent> {
  const id = ctx.params.workspaceagent ?? '';
  const agent = isUuid(id) ? await ctx.api.store.getWorkspaceAgentForConnection(id) : undefined;
  if (!agent) throw new NotFound('Workspace agent not found.');
  return { agent, mux: agentMux(ctx, agent) };
}

export function agentMux(ctx: RequestContext, agent: WorkspaceAgentWithWorkspaceRow): Mux {
  const mux = ctx.api.agentConnections.get(agent.id);
  if (!mux)
    throw new Unavailable(
      `The agent "${agent.name}" of workspace "${agent.workspace_name}" is not connected.`,
      {
        detail: 'Is the workspace running? `hangar show` lists its agents and their status.',
      },
    );
  return mux;
}
