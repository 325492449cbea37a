/**
 * `GET /workspaceagents/{id}/tunnel?target=…`: a client (`hangar ssh --stdio`, port-forward)
 * asks for one stream to a service of the agent (`ssh`, `tcp:127.0.0.1:8080`). The user must have
 * `ssh` on the workspace; the stream is opened over the agent's control connection (ADR 0040) and
 * spliced to the client's socket after a raw `Upgrade: hangar-stream` (half-close preserved).
 */
import { InvalidInput } from '../sdk/errors.js';
import { isRawUpgrade, rawUpgradeProtocol, relayRawUpgrade, targetProblem } from '../sdk/tunnel/index.js';
import { connectableAgent } from './agent-stream.js';
import type { RequestContext } from './request-context.js';
import { takeUpgrade } from './websocket.js';

export async function workspaceAgentTunnel(ctx: RequestContext): Promise<void> {
  const target = ctx.url.searchParams.get('target') ?? '';
  const problem = targetProblem(target);
  if (problem) throw InvalidInput.field('target', problem);
  const { mux } = await connectableAgent(ctx);
  if (!isRawUpgrade(ctx.req))
    throw new InvalidInput(
      `This endpoint needs "Connection: Upgrade" with "Upgrade: ${rawUpgradeProtocol}".`,
    );
  const { socket, head } = takeUpgrade(ctx);
  ctx.api.agentConnections.trackClientSocket(socket);
  const err = await relayRawUpgrade(socket, head, mux.open(target));
  if (err) ctx.logger.debug({ err: err.message, target }, 'tunnel stream ended with an error');
}
