/**
 * Who may use a replica's relay endpoint: only the other replicas of the deployment. They share
 * one random key kept in the database (site config `replica_relay_key`, created by the first
 * replica to start), so anyone who can reach the endpoint but not the database is refused. A
 * request carries the sender's replica id, a timestamp, a random nonce and an HMAC of those and
 * its path and query: the key never crosses the network, a signature opens only the stream it
 * names, and each signature is accepted once, so a captured header cannot be replayed (ADR 0070).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const relayAuthHeader = 'Hangar-Replica-Relay';
export const relayKeySiteConfig = 'replica_relay_key';

/** Clocks of the replicas may differ by this much (run NTP); signatures older than this are refused. */
const maxSkewMs = 60_000;

/** A new key for a deployment that has none yet. */
export function newRelayKey(): string {
  return randomBytes(32).toString('hex');
}

export class RelayAuth {
  private readonly key: Buffer;
  /** Signatures seen within the skew window, with when they may be forgotten. */
  private readonly seen = new Map<string, number>();
  private prunedAt = 0;

  constructor(
    keyHex: string,
    private readonly replicaId: string,
  ) {
    this.key = Buffer.from(keyHex, 'hex');
  }

  /** The header for a request to another replica's `pathAndQuery` (e.g. `/api/v2/replicas/relay?…`). */
  sign(pathAndQuery: string, now = Date.now()): Record<string, string> {
    const ts = String(now);
    // Two streams to the same target in the same millisecond must not look like a replay.
    const nonce = randomBytes(12).toString('hex');
    const mac = this.mac(this.replicaId, ts, nonce, pathAndQuery);
    return { [relayAuthHeader]: `v1 ${this.replicaId} ${ts} ${nonce} ${mac}` };
  }

  /** The sending replica's id when the header is valid, fresh and unused; else undefined. */
  verify(header: string | undefined, pathAndQuery: string, now = Date.now()): string | undefined {
    const [version, sender, ts, nonce, mac] = (header ?? '').split(' ');
    if (version !== 'v1' || !sender || !ts || !nonce || !mac || !/^\d+$/.test(ts)) return undefined;
    if (Math.abs(now - Number(ts)) > maxSkewMs) return undefined;
    const want = Buffer.from(this.mac(sender, ts, nonce, pathAndQuery), 'hex');
    const got = Buffer.from(mac, 'hex');
    if (got.length !== want.length || !timingSafeEqual(got, want)) return undefined;
    this.forgetExpired(now);
    if (this.seen.has(mac)) return undefined;
    this.seen.set(mac, Number(ts) + maxSkewMs);
    return sender;
  }

  private mac(sender: string, ts: string, nonce: string, pathAndQuery: string): string {
    return createHmac('sha256', this.key)
      .update(`v1\n${sender}\n${ts}\n${nonce}\n${pathAndQuery}`)
      .digest('hex');
  }

  /** A full scan at most every few seconds, so verifying stays O(1) under many stream opens. */
  private forgetExpired(now: number): void {
    if (now - this.prunedAt < 5_000) return;
    this.prunedAt = now;
    for (const [mac, until] of this.seen) if (until < now) this.seen.delete(mac);
  }
}
