/**
 * `GET /workspaceagents/{id}/tunnel?target=…`: a client (`hangar ssh --stdio`, port-forward)
 * asks for one stream to a service of the agent (`ssh`, `tcp:127.0.0.1:8080`). The user must have
 * `ssh` on the workspace; the stream is opened over the agent's control connection (ADR 0040), on
 * this replica or through the one holding it (ADR 0070), and spliced to the client's socket after
 * a raw `Upgrade: hangar-stream` (half-close preserved).
 */
import { InvalidInput, NotFound } from '../sdk/errors.js';
import { parseTarget, parseTcpTarget, targetProblem } from '../sdk/tunnel/index.js';
import { agentTcpTargetProblem } from '../sdk/workspace-agents.js';
import { isUuid } from '../sdk/validation.js';
import { AgentNotConnected } from './agent-connections.js';
import { requireRawUpgrade, serveStreamUpgrade } from './agent-stream-upgrade.js';
import type { RequestContext } from './request-context.js';

export async function workspaceAgentTunnel(ctx: RequestContext): Promise<void> {
  const id = ctx.params.workspaceagent ?? '';
  const target = ctx.url.searchParams.get('target') ?? '';
  const problem = targetProblem(target) ?? tcpProblem(target);
  if (problem) throw InvalidInput.field('target', problem);
  const agent = isUuid(id) ? await ctx.api.store.getWorkspaceAgentForConnection(id) : undefined;
  if (!agent) throw new NotFound('Workspace agent not found.');
  requireRawUpgrade(ctx);
  const opening = ctx.api.agentConnections.openStream(agent.id, target).catch((err: unknown) => {
    // Name the agent and workspace, which the connection layer does not know.
    if (err instanceof AgentNotConnected && err.detail)
      throw new AgentNotConnected(
        err.detail,
        `The agent "${agent.name}" of workspace "${agent.workspace_name}" is not connected.`,
      );
    throw err;
  });
  await serveStreamUpgrade(ctx, opening);
}

/** A `tcp:` target the agent would refuse (agentTcpTargetProblem), told before any stream opens. */
function tcpProblem(target: string): string | undefined {
  if (parseTarget(target).scheme !== 'tcp') return undefined;
  try {
    const { host, port } = parseTcpTarget(target);
    return agentTcpTargetProblem(host, port);
  } catch (err) {
    return (err as Error).message;
  }
}
