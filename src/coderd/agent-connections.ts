/**
 * The agents connected to this replica over their control WebSocket, and the one way coderd opens
 * a stream to any agent of the deployment (`openStream`). While a socket is open the agent's
 * last_connected_at is refreshed, so its status reads `connected`, and its row names this replica;
 * on close it is marked disconnected unless it has meanwhile attached to another replica.
 * Watchers of the workspace are notified on both. When a newer build of the workspace takes over
 * the agent (an update or restart that kept the agent process, and so its token), the socket is
 * closed so the agent reconnects as the new build's agent. Every client-facing path (CLI tunnel,
 * web terminal, app proxy, listening ports) opens its streams with `openStream`: there is no
 * local-only accessor, so none can miss an agent attached to another replica.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { Unavailable } from '../sdk/errors.js';
import type { Logger } from '../sdk/logger.js';
import { agentRpcMethods, type DialbackRequest, type DialbackResult } from '../sdk/agent-api.js';
import { callRpc, Mux, rpcTarget, TunnelError } from '../sdk/tunnel/index.js';
import { withActor } from '../database/authz/actor-context.js';
import { systemActors } from '../database/authz/actors.js';
import type { ReplicaRow } from '../database/models.js';
import type { WorkspaceAgentWithWorkspaceRow } from '../database/queries/workspace-agents.js';
import type { Pubsub } from '../database/postgres/pubsub.js';
import type { Store } from '../database/store.js';
import { DialbackTickets, dialbackTicketMs } from './agent-dialback.js';
import { agentInactiveDisconnectMs } from './provisioned-resources.js';
import { workspaceEventChannel } from './workspace-events.js';

/** Close code telling an agent that a newer build replaced it; it reconnects at once. */
export const agentSupersededCloseCode = 4001;

/** The agent has no control connection on any live replica. */
export class AgentNotConnected extends Unavailable {
  constructor(
    detail = 'Is the workspace running? `hangar show` lists its agents and their status.',
    message = 'The workspace agent is not connected.',
  ) {
    super(message, { detail });
  }
}

/** The other replicas, as far as streams need them (replica-sync.ts and replica-relay.ts). */
export interface PeerReplicas {
  /** This replica's id, recorded on the agents attached here. */
  readonly id: string;
  /** A live peer by id, or undefined when it stopped or went silent. */
  peer(id: string): Promise<ReplicaRow | undefined>;
  /** One stream to `target` of `agentId`, through `peer`'s relay endpoint. */
  dial(peer: ReplicaRow, agentId: string, target: string): Promise<Duplex>;
}

export interface OpenStreamOptions {
  /**
   * The client will move much data (port-forward): when the agent is attached here and can,
   * carry the stream over a dial-back connection of its own instead of the mux (ADR 0053).
   */
  bulk?: boolean;
}

export class AgentConnections {
  private readonly sockets = new Map<string, WebSocket>();
  private readonly muxes = new Map<string, Mux>();
  /** Agents whose control connection here said they can dial back (ADR 0053). */
  private readonly dialbackAgents = new Set<string>();
  /** Dial-back streams coderd is waiting for, claimed by the agent's dial-back endpoint. */
  readonly dialbacks = new DialbackTickets();
  /** Client sockets spliced to agent streams: not the HTTP server's to close once upgraded. */
  private readonly clientSockets = new Set<Duplex>();
  /** Every open control socket, its heartbeat slot, and whether it answered its last ping. */
  private readonly live = new Map<WebSocket, { agentId: string; slot: number; alive: boolean }>();
  private heartbeat: NodeJS.Timeout | undefined;
  /** Slot of the next attached socket, and of the next tick. */
  private nextSlot = 0;
  private tick = 0;

  constructor(
    private readonly store: Store,
    private readonly pubsub: Pubsub,
    private readonly logger: Logger,
    private readonly onChange: (workspaceId: string) => Promise<void>,
    private readonly replicas: PeerReplicas,
    /**
     * A connection that answers no ping for this long is closed, so the agent reads disconnected
     * (Coder's AgentInactiveDisconnectTimeout). Pings, and refreshes of last_connected_at, go out
     * every half of it (Coder's AgentConnectionUpdateFrequency); at most the 30 s that status reads
     * allow (agentStatus), so a live agent never reads disconnected between two refreshes.
     */
    private readonly inactiveDisconnectMs = agentInactiveDisconnectMs,
  ) {}

  /** Whether the agent's control connection is on this replica (tests and diagnostics). */
  attachedHere(agentId: string): boolean {
    return this.muxes.has(agentId);
  }

  /**
   * Opens one stream to `target` (`ssh`, `tcp:127.0.0.1:8080`, …) of the agent, wherever its
   * control connection is: over the local mux when it is attached here, else through the relay
   * to the replica that holds it (one database read per stream to find it, none per byte).
   * Resolves once the agent has dialed the target. The caller authorizes the stream first.
   * Rejects with AgentNotConnected; a TunnelError when the agent or the peer refused (its
   * `refusal` holds a peer's HTTP answer); or Unavailable when the peer cannot be reached.
   */
  async openStream(agentId: string, target: string, opts: OpenStreamOptions = {}): Promise<Duplex> {
    if (this.muxes.has(agentId)) {
      if (opts.bulk && this.dialbackAgents.has(agentId)) {
        const stream = await this.openDialback(agentId, target);
        if (stream) return stream;
      }
      return this.openLocal(agentId, target);
    }
    // Routing only: the caller authorized the stream.
    const replicaId = await withActor(systemActors.relay, () =>
      this.store.getWorkspaceAgentReplicaId(agentId),
    );
    if (!replicaId || replicaId === this.replicas.id) throw new AgentNotConnected();
    const peer = await this.replicas.peer(replicaId);
    if (!peer)
      throw new AgentNotConnected(
        'The server it was connected to stopped responding; it reconnects to another one within seconds.',
      );
    return this.replicas.dial(peer, agentId, target).catch((err: unknown) => {
      // The agent left that replica between our read and its answer: it is on its way elsewhere.
      if (err instanceof TunnelError && err.refusal?.status === 503)
        throw new AgentNotConnected('It is reconnecting to another server; retry in a moment.');
      throw err;
    });
  }

  /** A stream over this replica's own connection to the agent, never relayed further. */
  async openLocal(agentId: string, target: string): Promise<Duplex> {
    const mux = this.muxes.get(agentId);
    if (!mux) throw new AgentNotConnected('It is not connected to this server.');
    const stream = mux.open(target);
    // A failed open is also emitted as 'error'; `accepted` carries it to the caller.
    const quiet = () => {};
    stream.on('error', quiet);
    await stream.accepted;
    stream.off('error', quiet);
    return stream;
  }

  /**
   * A `tcp:` stream over a connection the agent dials back for it: the agent dials the target,
   * then connects to `/workspaceagents/me/dialback` with the ticket's id. Resolves with that
   * socket; rejects as the mux would when the target cannot be reached; resolves undefined when
   * the agent reached the target but not this replica that way (another replica behind a
   * balancer, a proxy that refuses the Upgrade), and then stops asking this connection.
   */
  private async openDialback(agentId: string, target: string): Promise<Duplex | undefined> {
    const mux = this.muxes.get(agentId);
    if (!mux) throw new AgentNotConnected('It is not connected to this server.');
    const ticket = this.dialbacks.issue(agentId);
    const request: DialbackRequest = { stream: ticket.id, target };
    const arrived = ticket.socket.then((socket) => ({ socket }));
    const answered = callRpc<DialbackResult>(
      mux.open(rpcTarget(agentRpcMethods.dialback)),
      request,
      dialbackTicketMs,
    ).then((result) => ({ result }));
    // Whichever loses the race below is settled later and must not be an unhandled rejection.
    answered.catch(() => {});
    try {
      const first = await Promise.race([arrived, answered]);
      if ('socket' in first) return first.socket;
      if ('dialed_back' in first.result) return await ticket.socket;
      ticket.cancel('the agent could not dial back');
      if (this.muxes.get(agentId) === mux) this.dialbackAgents.delete(agentId);
      this.logger.info(
        { agent_id: agentId, reason: first.result.fallback },
        'the agent cannot dial back to this server; its streams use the multiplexed connection',
      );
      return undefined;
    } catch (err) {
      ticket.cancel('the stream was not opened');
      throw err;
    }
  }

  /** Serves one agent's control socket until it closes. */
  async attach(
    agent: WorkspaceAgentWithWorkspaceRow,
    ws: WebSocket,
    opts: { dialback?: boolean } = {},
  ): Promise<void> {
    // A reconnecting agent replaces its old socket; the old one is closed as superseded.
    this.sockets.get(agent.id)?.close(4000, 'superseded by a new connection');
    this.sockets.set(agent.id, ws);
    // coderd opens streams to the agent's services over the same socket (ADR 0040).
    this.muxes.set(agent.id, new Mux(ws, { side: 'initiator', logger: this.logger }));
    if (opts.dialback) this.dialbackAgents.add(agent.id);
    else this.dialbackAgents.delete(agent.id);
    const firstConnectedAt = agent.first_connected_at ?? new Date();
    // Liveness is written as the agent system actor: the agent proved its token on upgrade.
    const mark = (last: Date, disconnected: Date | null, claim: boolean) =>
      withActor(systemActors.agent, () =>
        this.store.updateWorkspaceAgentConnection({
          id: agent.id,
          first_connected_at: firstConnectedAt,
          last_connected_at: last,
          disconnected_at: disconnected,
          replica_id: this.replicas.id,
          claim,
        }),
      );
    await mark(new Date(), null, true);
    await this.onChange(agent.workspace_id);
    // Is this still the agent of the latest build? Checked on every workspace event (and, for all
    // agents at once, on every heartbeat).
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
    const live = { agentId: agent.id, slot: this.nextSlot++ % this.heartbeatSlots, alive: true };
    this.live.set(ws, live);
    ws.on('pong', () => (live.alive = true));
    this.startHeartbeat();
    ws.on('close', () => {
      this.live.delete(ws);
      void unsubscribe().catch(() => {});
      if (this.sockets.get(agent.id) !== ws) return;
      this.sockets.delete(agent.id);
      this.muxes.delete(agent.id);
      this.dialbackAgents.delete(agent.id);
      const now = new Date();
      mark(now, now, false)
        .then((mine) => (mine ? this.onChange(agent.workspace_id) : undefined))
        .catch((err: unknown) => this.logger.warn({ err }, 'marking an agent disconnected failed'));
    });
  }

  /**
   * The heartbeat of the agents attached here (ADR 0077): every `heartbeatIntervalMs` each socket
   * is pinged (one that did not answer its last ping is closed), and two statements cover the
   * agents pinged together: the refresh of last_connected_at (an agent whose row names another
   * replica now is closed as a stale leftover) and the check that each is still its workspace's
   * latest build's agent. The interval is cut in about one-second slots, each socket in one, so
   * pings, pongs and rows are spread evenly instead of all at once.
   */
  private get heartbeatIntervalMs(): number {
    return Math.min(this.inactiveDisconnectMs, agentInactiveDisconnectMs) / 2;
  }

  private get heartbeatSlots(): number {
    return Math.max(1, Math.round(this.heartbeatIntervalMs / 1_000));
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => void this.beat(), this.heartbeatIntervalMs / this.heartbeatSlots);
    this.heartbeat.unref();
  }

  private async beat(): Promise<void> {
    const slot = this.tick++ % this.heartbeatSlots;
    try {
      const pinged: [WebSocket, string][] = [];
      for (const [ws, live] of this.live) {
        if (live.slot !== slot) continue;
        if (!live.alive) {
          ws.terminate();
          continue;
        }
        live.alive = false;
        ws.ping();
        pinged.push([ws, live.agentId]);
      }
      if (pinged.length === 0) return;
      const ids = pinged.map(([, id]) => id);
      const [refreshed, latest] = await withActor(systemActors.agent, () =>
        Promise.all([
          this.store.refreshWorkspaceAgentConnections(ids, this.replicas.id, new Date()),
          this.store.listCurrentWorkspaceAgentIds(ids),
        ]),
      );
      const mine = new Set(refreshed);
      const current = new Set(latest);
      for (const [ws, id] of pinged) {
        if (!mine.has(id)) ws.close(4000, 'superseded by a connection to another server');
        else if (!current.has(id)) ws.close(agentSupersededCloseCode, 'a newer build replaced this agent');
      }
    } catch (err) {
      this.logger.warn({ err }, 'agent heartbeat write failed');
    }
  }

  /** Tracks a client's tunnel socket until it closes, so shutdown can end it. */
  trackClientSocket(socket: Duplex): void {
    this.clientSockets.add(socket);
    socket.once('close', () => this.clientSockets.delete(socket));
  }

  /** Server shutdown: agents see the close and reconnect (to another replica, if any). */
  closeAll(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const s of this.clientSockets) s.destroy();
    for (const ws of this.sockets.values()) ws.close(1001, 'server shutting down');
  }
}
