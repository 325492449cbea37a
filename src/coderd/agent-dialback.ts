/**
 * Dial-back streams (ADR 0053): for a bulk `tcp:` stream coderd asks the agent, over its control
 * connection, to connect back with a raw-Upgrade connection of its own, and splices that socket
 * to the client's instead of relaying the multiplexer's frames. `DialbackTickets` holds the
 * streams coderd is waiting for: each id is random, used once, bound to one agent and valid for
 * seconds, so a dial-back only ever attaches to the stream coderd asked that agent for.
 * `serveAgentDialback` is the agent's `GET /workspaceagents/me/dialback?stream=…` (agent token).
 */
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { NotFound } from '../sdk/errors.js';
import { acceptRawUpgrade, TunnelError } from '../sdk/tunnel/index.js';
import { requireRawUpgrade } from './agent-stream-upgrade.js';
import { agentOf, type RequestContext } from './request-context.js';
import { takeUpgrade } from './websocket.js';

/** Long enough for the agent's own target dial (10 s) plus the dial-back. */
export const dialbackTicketMs = 15_000;

export interface DialbackTicket {
  readonly id: string;
  /** The agent's socket, once it has dialed back; rejects when the ticket expires or is cancelled. */
  readonly socket: Promise<Duplex>;
  /** Stops waiting: a dial-back with this id is refused from now on. */
  cancel(reason: string): void;
}

interface Waiting {
  agentId: string;
  arrive(socket: Duplex): void;
  fail(err: Error): void;
}

export class DialbackTickets {
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly ttlMs = dialbackTicketMs) {}

  /** A new stream id for `agentId` to dial back with. */
  issue(agentId: string): DialbackTicket {
    const id = randomBytes(18).toString('base64url');
    let arrive!: (s: Duplex) => void;
    let reject!: (err: Error) => void;
    const socket = new Promise<Duplex>((res, rej) => {
      arrive = res;
      reject = rej;
    });
    // Whoever waits sees the rejection; an abandoned ticket must not be an unhandled one.
    socket.catch(() => {});
    const timer = setTimeout(
      () => fail(new TunnelError('closed', `The agent did not dial back within ${this.ttlMs / 1000} s.`)),
      this.ttlMs,
    );
    timer.unref();
    const done = () => {
      clearTimeout(timer);
      this.waiting.delete(id);
    };
    const fail = (err: Error) => {
      done();
      reject(err);
    };
    this.waiting.set(id, {
      agentId,
      arrive: (s) => {
        done();
        arrive(s);
      },
      fail,
    });
    return { id, socket, cancel: (reason) => fail(new TunnelError('closed', reason)) };
  }

  /** The stream `id` if `agentId` was asked for it and it has not expired or been used. */
  claim(id: string, agentId: string): ((socket: Duplex) => void) | undefined {
    const w = this.waiting.get(id);
    // Another agent's id is refused without using it up: only the agent asked may attach.
    if (!w || w.agentId !== agentId) return undefined;
    return w.arrive;
  }

  /** Streams still waiting (tests). */
  get size(): number {
    return this.waiting.size;
  }
}

/** `GET /workspaceagents/me/dialback?stream=…` with `Upgrade: hangar-stream` and the agent token. */
export async function serveAgentDialback(ctx: RequestContext): Promise<void> {
  const agent = agentOf(ctx);
  requireRawUpgrade(ctx);
  const arrive = ctx.api.agentConnections.dialbacks.claim(ctx.url.searchParams.get('stream') ?? '', agent.id);
  if (!arrive)
    throw new NotFound(
      'No stream is waiting for this dial-back: it expired, was used, or was never asked for.',
    );
  const { socket, head } = takeUpgrade(ctx);
  ctx.api.agentConnections.trackClientSocket(socket);
  socket.on('error', () => {});
  arrive(acceptRawUpgrade(socket, head));
}
