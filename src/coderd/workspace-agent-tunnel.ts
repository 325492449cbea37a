/**
 * `GET /workspaceagents/{id}/tunnel?target=…`: a client (`hangar ssh --stdio`, port-forward)
 * asks for one stream to a service of the agent (`ssh`, `tcp:127.0.0.1:8080`). The user must have
 * `ssh` on the workspace; the stream is opened over the agent's control connection (ADR 0040), on
 * this replica or through the one holding it (ADR 0070), and spliced to the client's socket after
 * a raw `Upgrade: hangar-stream` (half-close preserved).
 */
import { InvalidInput } from '../sdk/errors.js';
import { parseTarget, parseTcpTarget, targetProblem } from '../sdk/tunnel/index.js';
import { agentTcpTargetProblem } from '../sdk/workspace-agents.js';
import { connectableAgent, openAgentStream } from './agent-stream.js';
import { requireRawUpgrade, serveStreamUpgrade } from './agent-stream-upgrade.js';
import type { RequestContext } from './request-context.js';

export async function workspaceAgentTunnel(ctx: RequestContext): Promise<void> {
  const target = ctx.url.searchParams.get('target') ?? '';
  const problem = targetProblem(target) ?? tcpProblem(target);
  if (problem) throw InvalidInput.field('target', problem);
  const agent = await connectableAgent(ctx);
  requireRawUpgrade(ctx);
  // `bulk=true` (port-forward): a tcp stream may take a dial-back connection of its own (ADR 0053).
  const bulk = ctx.url.searchParams.get('bulk') === 'true' && parseTarget(target).scheme === 'tcp';
  await serveStreamUpgrade(ctx, openAgentStream(ctx, agent, target, { bulk }));
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
