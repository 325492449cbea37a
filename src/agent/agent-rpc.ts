/**
 * The agent's `rpc:<method>` tunnel target (ADR 0043): coderd asks, the agent answers with JSON.
 * An unknown method is refused when the stream opens, so coderd sees the reason at once.
 */
import type { Duplex } from 'node:stream';
import { agentRpcMethods } from '../sdk/agent-api.js';
import { serveRpc, type RpcHandler } from '../sdk/tunnel/index.js';
import type { WorkspaceAgentListeningPortsResponse } from '../sdk/workspace-agents.js';
import { listeningPorts } from './listening-ports.js';

const handlers: Record<string, RpcHandler> = {
  [agentRpcMethods.listeningPorts]: async (): Promise<WorkspaceAgentListeningPortsResponse> => ({
    ports: await listeningPorts(),
  }),
};

/**
 * Serves one `rpc:<method>` stream with the handlers above, plus `own`: the methods that need the
 * running agent (its connection to coderd), which the Agent passes in.
 */
export function serveAgentRpc(method: string, stream: Duplex, own: Record<string, RpcHandler> = {}): void {
  const handler = own[method] ?? handlers[method];
  if (!handler) throw new Error(`this agent has no "${method}" method`);
  void serveRpc(stream, handler);
}
