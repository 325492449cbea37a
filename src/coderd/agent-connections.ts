/**
 * The agents connected to this replica over their control WebSocket. While a socket is open the
 * agent's last_connected_at is refreshed, so its status reads `connected`; on close it is marked
 * disconnected. Watchers of the workspace are notified on both. When a newer build of the
 * workspace takes over the agent (an update or restart that kept the agent process, and so its
 * token), the socket is closed so the agent reconnects as the new build's agent. The map is the
 * seam the tunnel (agent issue) and the cross-replica relay build on.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Logger } from '../sdk/logger.js';
import { Mux } from '../sdk/tunnel/index.js';
import { withActor } from '../database/authz/actor-context.js';
import { systemActors } from '../database/authz/actors.js';
import type { WorkspaceAgentWithWorkspaceRow } from '../database/queries/workspace-agents.js';
import type { Pubsub } from '../database/postgres/pubsub.js';
import type { Store } from '../database/store.js';
import { agentInactiveDisconnectMs } from './provisioned-resources.js';
import { workspaceEventChannel } from './workspace-events.js';

/** Close code telling an agent that a newer build replaced it; it reconnects at once. */
export const agentSupersededCloseCode = 4001;

/** How often a connected agent's last_connected_at is refreshed (well under the inactive bound). */
export const agentHeartbeatMs = agentInactiveDisconnectMs / 3;

export class AgentConnections {
  private readonly sockets = new Map<string, WebSocket>();
  private readonly muxes = new Map<string, Mux>();
  /** Client sockets spliced to agent streams: not the HTTP server's to close once upgraded. */
  private readonly clientSockets = new Set<Duplex>();

  constructor(
    private readonly store: Store,
    private readonly pubsub: Pubsub,
    private readonly logger: Logger,
    private readonly onChange: (workspaceId: string) => Promise<void>,
  ) {}

  /** The stream multiplexer over an agent's control connection, if it is connected here. */
  get(agentId: string): Mux | undefined {
    return this.muxes.get(agentId);
  }

  /** Serves one agent's control socket until it closes. */
  async attach(agent: WorkspaceAgentWithWorkspaceRow, ws: WebSocket): Promise<void> {
    // A reconnecting agent replaces its old socket; the old one is closed as superseded.
    this.sockets.get(agent.id)?.close(4000, 'superseded by a new connection');
    this.sockets.set(agent.id, ws);
    // coderd opens streams to the agent's services over the same socket (ADR 0040).
    this.muxes.set(agent.id, new Mux(ws, { side: 'initiator', logger: this.logger }));
    const firstConnectedAt = agent.first_connected_at ?? new Date();
    // Liveness is written as the agent system actor: the agent proved its token on upgrade.
    const mark = (last: Date, disconnected: Date | null) =>
      withActor(systemActors.agent, () =>
        this.store.updateWorkspaceAgentConnection({
          id: agent.id,
          first_connected_at: firstConnectedAt,
          last_connected_at: last,
          disconnected_at: disconnected,
          replica_id: null,
        }),
      );
    await mark(new Date(), null);
    await this.onChange(agent.workspace_id);
    // Is this still the agent of the latest build? Checked on every workspace event and heartbeat.
    const checkCurrent = () =>
      withActor(systemActors.agent, () => this.store.getWorkspaceAgentByAuthTokenHash(agent.auth_token_hash))
        .then((current) => {
          if (current?.id !== agent.id)
            ws.close(agentSupersededCloseCode, 'a newer build replaced this agent');
        })
        .catch((err: unknown) =>
          this.logger.warn({ err }, 'checking an agent against the latest build failed'),
        );
    const unsubscribe = await this.pubsub.subscribe(workspaceEventChannel(agent.workspace_id), () => {
      void checkCurrent();
    });
    let alive = true;
    ws.on('pong', () => (alive = true));
    const timer = setInterval(() => {
      if (!alive) {
        ws.terminate();
        return;
      }
      alive = false;
      ws.ping();
      mark(new Date(), null).catch((err: unknown) =>
        this.logger.warn({ err }, 'agent heartbeat write failed'),
      );
      void checkCurrent();
    }, agentHeartbeatMs);
    ws.on('close', () => {
      clearInterval(timer);
      void unsubscribe().catch(() => {});
      if (this.sockets.get(agent.id) !== ws) return;
      this.sockets.delete(agent.id);
      this.muxes.delete(agent.id);
      const now = new Date();
      mark(now, now)
        .then(() => this.onChange(agent.workspace_id))
        .catch((err: unknown) => this.logger.warn({ err }, 'marking an agent disconnected failed'));
    });
  }

  /** Tracks a client's tunnel socket until it closes, so shutdown can end it. */
  trackClientSocket(socket: Duplex): void {
    this.clientSockets.add(socket);
    socket.once('close', () => this.clientSockets.delete(socket));
  }

  /** Server shutdown: agents see the close and reconnect (to another replica, if any). */
  closeAll(): void {
    for (const s of this.clientSockets) s.destroy();
    for (const ws of this.sockets.values()) ws.close(1001, 'server shutting down');
  }
}
