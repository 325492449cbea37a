/**
 * This replica's membership in the deployment (Coder's replicasync): every `hangar server` on the
 * same database inserts its row in `replicas` at start, and every heartbeat measures its database
 * latency, probes its peers' relay addresses, writes the result, and re-reads who is alive. A peer
 * whose row has not been updated for three heartbeats is dead: streams are no longer routed to it.
 * A new replica announces itself on the `replica` channel so the others see it at once; a clean
 * shutdown sets `stopped_at`. Rows idle for half an hour are deleted.
 */
import type { Logger } from '../sdk/logger.js';
import { withActor } from '../database/authz/actor-context.js';
import { systemActors } from '../database/authz/actors.js';
import type { ReplicaRow } from '../database/models.js';
import type { UpsertReplicaParams } from '../database/queries/replicas.js';
import type { Pubsub } from '../database/postgres/pubsub.js';
import type { Store } from '../database/store.js';

export const replicaChannel = 'replica';

export interface ReplicaSyncTuning {
  /** Between heartbeats (Coder: 5 s). */
  intervalMs: number;
  /** A peer silent for this long is dead (Coder: 3 heartbeats). */
  peerTimeoutMs: number;
  /** Rows with no heartbeat for this long are deleted. */
  forgetAfterMs: number;
}

export const defaultReplicaSyncTuning: ReplicaSyncTuning = {
  intervalMs: 5_000,
  peerTimeoutMs: 15_000,
  forgetAfterMs: 30 * 60_000,
};

export interface ReplicaIdentity {
  id: string;
  hostname: string;
  relayAddress: string;
  regionId: number;
  version: string;
}

/** Checks one peer's relay address; throws why it cannot be used. */
export type ProbePeer = (peer: ReplicaRow) => Promise<void>;

export class ReplicaSync {
  private peerList: ReplicaRow[] = [];
  private selfRow: ReplicaRow | undefined;
  private readonly startedAt = new Date();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private unsubscribe: (() => Promise<void>) | undefined;
  private forgottenAt = 0;
  private lastLoggedError = '';
  private closed = false;
  /** Why the last heartbeat failed (the database was unreachable), for the health report. */
  heartbeatError: string | undefined;

  constructor(
    private readonly store: Store,
    private readonly pubsub: Pubsub,
    private readonly logger: Logger,
    readonly identity: ReplicaIdentity,
    private readonly probe: ProbePeer,
    readonly tuning: ReplicaSyncTuning = defaultReplicaSyncTuning,
  ) {}

  get id(): string {
    return this.identity.id;
  }

  /** Registers this replica and starts the heartbeat; a failure here fails the server's start. */
  async start(): Promise<void> {
    this.unsubscribe = await this.pubsub.subscribe(
      replicaChannel,
      (id) => {
        if (id !== this.id) void this.refreshPeers().catch(() => {});
      },
      // Announcements may have been missed while the listener was away.
      () => void this.refreshPeers().catch(() => {}),
    );
    await this.heartbeat();
    await this.pubsub.publish(replicaChannel, this.id);
    this.schedule();
  }

  /** Live peers (not this replica), as of the last heartbeat or announcement. */
  peers(): ReplicaRow[] {
    return this.peerList;
  }

  /** This replica's row and its live peers. */
  all(): ReplicaRow[] {
    return this.selfRow ? [this.selfRow, ...this.peerList] : [...this.peerList];
  }

  /**
   * A live peer by id. One that is not known yet (it started since the last heartbeat) is looked
   * up in the database, so an agent attaching to a brand-new replica is reachable at once.
   */
  async peer(id: string): Promise<ReplicaRow | undefined> {
    const known = this.peerList.find((p) => p.id === id);
    if (known) return known;
    await this.refreshPeers();
    return this.peerList.find((p) => p.id === id);
  }

  /** One heartbeat; exposed so tests need not wait for the timer. */
  async heartbeat(): Promise<void> {
    try {
      const latency = await this.measureLatency();
      const failures = await Promise.all(
        this.peerList.map((p) =>
          this.probe(p).then(
            () => undefined,
            (err: unknown) => `${p.hostname} (${p.relay_address}): ${(err as Error).message}`,
          ),
        ),
      );
      const unreachable = failures.filter((f): f is string => f !== undefined);
      const params: UpsertReplicaParams = {
        id: this.id,
        started_at: this.startedAt,
        hostname: this.identity.hostname,
        region_id: this.identity.regionId,
        relay_address: this.identity.relayAddress,
        database_latency: latency,
        version: this.identity.version,
        error: unreachable.length ? `Failed to dial peers: ${unreachable.join('; ')}` : '',
      };
      // The heartbeat has no user behind it: the background actor.
      this.selfRow = await withActor(systemActors.background, () => this.store.upsertReplica(params));
      if (unreachable.length && this.selfRow.error !== this.lastLoggedError)
        this.logger.warn({ error: this.selfRow.error }, 'cannot reach some replicas over the relay');
      this.lastLoggedError = this.selfRow.error;
      await this.refreshPeers();
      await this.forgetOldReplicas();
      if (this.heartbeatError) this.logger.info('replica heartbeat recovered');
      this.heartbeatError = undefined;
    } catch (err) {
      if (this.closed) return;
      const message = (err as Error).message;
      if (this.heartbeatError === undefined)
        this.logger.error({ err: message }, 'replica heartbeat failed; retrying');
      this.heartbeatError = message;
      throw err;
    }
  }

  /** Stops the heartbeat and records a clean stop so peers forget this replica at once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => {});
    await this.unsubscribe?.().catch(() => {});
    try {
      await withActor(systemActors.background, () => this.store.markReplicaStopped(this.id));
      await this.pubsub.publish(replicaChannel, this.id);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'could not record this replica as stopped');
    }
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.running = this.heartbeat()
        .catch(() => {})
        .finally(() => this.schedule());
    }, this.tuning.intervalMs);
  }

  private async refreshPeers(): Promise<void> {
    const live = await withActor(systemActors.background, () =>
      this.store.listLiveReplicas(this.tuning.peerTimeoutMs),
    );
    const before = new Set(this.peerList.map((p) => p.id));
    this.peerList = live.filter((r) => r.id !== this.id);
    const after = new Set(this.peerList.map((p) => p.id));
    for (const p of this.peerList)
      if (!before.has(p.id)) this.logger.info({ replica: p.id, hostname: p.hostname }, 'replica joined');
    for (const id of before)
      if (!after.has(id)) this.logger.warn({ replica: id }, 'replica left or went silent');
  }

  /** Microseconds for a trivial query, as Coder reports `database_latency`. */
  private async measureLatency(): Promise<number> {
    const started = performance.now();
    await withActor(systemActors.background, () => this.store.ping());
    return Math.round((performance.now() - started) * 1000);
  }

  private async forgetOldReplicas(): Promise<void> {
    if (Date.now() - this.forgottenAt < this.tuning.forgetAfterMs) return;
    this.forgottenAt = Date.now();
    const n = await withActor(systemActors.background, () =>
      this.store.deleteReplicasIdleFor(this.tuning.forgetAfterMs),
    );
    if (n > 0) this.logger.info({ deleted: n }, 'forgot long-dead replicas');
  }
}
