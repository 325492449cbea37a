/**
 * `GET /workspaceagents/{id}/tunnel?target=…`: a client (`hangar ssh --stdio`, port-forward)
 * asks for one stream to a service of the agent (`ssh`, `tcp:127.0.0.1:8080`). The user must have
 * `ssh` on the workspace; the stream is opened over the agent's control connection (ADR 0040) and
 * spliced to the client's socket after a raw `Upgrade: hangar-stream` (half-close preserved).
 */
import { InvalidInput, NotFound, Unavailable } from '../sdk/errors.js';
import { isRawUpgrade, rawUpgradeProtocol, relayRawUpgrade, targetProblem } from '../sdk/tunnel/index.js';
import { isUuid } from '../sdk/validation.js';
import type { RequestContext } from './request-context.js';
import { takeUpgrade } from './websocket.js';

export async function workspaceAgentTunnel(ctx: RequestContext): Promise<void> {
  const id = ctx.params.workspaceagent ?? '';
  const target = ctx.url.searchParams.get('target') ?? '';
  const problem = targetProblem(target);
  if (problem) throw InvalidInput.field('target', problem);
  const agent = isUuid(id) ? await ctx.api.store.getWorkspaceAgentForConnection(id) : undefined;
  if (!agent) throw new NotFound('Workspace agent not found.');
  const mux = ctx.api.agentConnections.get(agent.id);
  if (!mux)
    throw new Unavailable(
      `The agent "${agent.name}" of workspace "${agent.workspace_name}" is not connected.`,
      {
        detail: 'Is the workspace running? `hangar show` lists its agents and their status.',
      },
    );
  if (!isRawUpgrade(ctx.req))
    throw new InvalidInput(
      `This endpoint needs "Connection: Upgrade" with "Upgrade: ${rawUpgradeProtocol}".`,
    );
  const { socket, head } = takeUpgrade(ctx);
  ctx.api.agentConnections.trackClientSocket(socket);
  const err = await relayRawUpgrade(socket, head, mux.open(target));
  if (err) ctx.logger.debug({ err: err.message, target }, 'tunnel stream ended with an error');
}
