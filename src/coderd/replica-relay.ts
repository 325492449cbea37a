/**
 * The calling side of the replica-to-replica relay (ADR 0070). A replica that must reach an agent
 * whose control connection is on another replica asks that replica's relay address for one
 * stream, with the same raw Upgrade the CLI uses (ADR 0040): the peer answers 101 once the agent
 * has dialed the target, then the socket is a plain byte pipe, so the bytes never touch the
 * database. The same endpoint without `agent` is the heartbeat's probe.
 */
import type { Duplex } from 'node:stream';
import { Unavailable } from '../sdk/errors.js';
import { dialRawUpgrade, TunnelError } from '../sdk/tunnel/index.js';
import type { ReplicaRow } from '../database/models.js';
import type { RelayAuth } from './replica-relay-auth.js';

export const relayPath = '/api/v2/replicas/relay';

/** What the relay endpoint answers to a probe. */
export interface RelayProbeResponse {
  replica_id: string;
}

/** How long a peer may take to answer a probe (Coder: 3 s). */
const probeTimeoutMs = 3_000;
/** How long a peer may take to answer a stream request (it waits for the agent's dial). */
const dialTimeoutMs = 30_000;

function relayUrl(peer: ReplicaRow, query: Record<string, string> = {}): URL {
  const url = new URL(relayPath, peer.relay_address);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url;
}

const signed = (url: URL) => url.pathname + url.search;

export class ReplicaRelay {
  constructor(private readonly auth: RelayAuth) {}

  /** Resolves when `peer`'s relay address reaches that very replica and it accepts our key. */
  async probe(peer: ReplicaRow): Promise<void> {
    const url = relayUrl(peer);
    const res = await fetch(url, {
      headers: this.auth.sign(signed(url)),
      signal: AbortSignal.timeout(probeTimeoutMs),
    });
    if (!res.ok) throw new Error(`${url.origin} answered ${res.status}`);
    const body = (await res.json()) as Partial<RelayProbeResponse>;
    if (body.replica_id !== peer.id)
      throw new Error(
        `${url.origin} answered as replica ${body.replica_id ?? '(none)'}; is its --relay-url the load-balanced address?`,
      );
  }

  /**
   * One stream to `target` of the agent attached to `peer`. A refusal by the peer (the agent
   * could not dial, or has left that replica) rejects with the peer's TunnelError, whose
   * `refusal` carries its HTTP answer; an unreachable peer rejects with Unavailable.
   */
  async dial(peer: ReplicaRow, agentId: string, target: string): Promise<Duplex> {
    const url = relayUrl(peer, { agent: agentId, target });
    const abort = new AbortController();
    // Cleared once upgraded: the signal must not cut the stream itself later.
    const timer = setTimeout(() => abort.abort(new Error('timed out')), dialTimeoutMs);
    try {
      return await dialRawUpgrade(url, { headers: this.auth.sign(signed(url)), signal: abort.signal });
    } catch (err) {
      if (err instanceof TunnelError) throw err;
      throw new Unavailable(
        `The replica holding the agent's connection (${peer.hostname}, ${peer.relay_address}) cannot be reached.`,
        { detail: (err as Error).message, cause: err },
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
