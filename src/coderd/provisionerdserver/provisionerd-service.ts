/**
 * The server side of the provisioner daemon protocol for one replica: registers daemons, posts
 * jobs, and publishes log and job-posted hints. Every database call here runs as the provisionerd
 * system actor: daemons are not users, and what they may touch (only jobs they acquired) is
 * checked in SQL by worker id.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../sdk/logger.js';
import type { ProvisionerJobType, ProvisionerType } from '../../sdk/provisioner-jobs.js';
import { normalizeProvisionerTags } from '../../sdk/provisioner-tags.js';
import { provisionerdApiVersion, type DaemonRegistration } from '../../sdk/provisionerd-protocol.js';
import { withActor } from '../../database/authz/actor-context.js';
import { systemActors } from '../../database/authz/actors.js';
import type { ProvisionerJobWithQueueRow } from '../../database/models.js';
import { checkChannel, checkPayload, type Pubsub } from '../../database/postgres/pubsub.js';
import type { Notification } from '../../database/queries/notify.js';
import type { Store } from '../../database/store.js';
import { Acquirer, jobPostedChannel, type JobPosting } from './acquirer.js';
import { DaemonServer } from './daemon-server.js';
import type { JobHandlers } from './job-handlers.js';

export interface ProvisionerdTuning {
  /** A running job with no update for this long is failed by the reaper (Coder: 5 min). */
  hungJobTimeoutMs: number;
  /** A job still queued after this long is failed by the reaper (Coder: 30 min). */
  pendingJobTimeoutMs: number;
  reaperIntervalMs: number;
  /** Re-query for jobs this often even without a notification (covers lost NOTIFYs). */
  acquireFallbackPollMs: number;
}

/** The reaper's timeouts and interval follow the deployment options (Coderd derives them). */
export const defaultProvisionerdTuning: Pick<ProvisionerdTuning, 'acquireFallbackPollMs'> = {
  acquireFallbackPollMs: 10_000,
};

/** Channel naming a deleted provisioner key (its id), so every replica drops daemons using it. */
export const keyRevokedChannel = 'provisioner_key_revoked';

/** Channel of log hints for one job: `{created_after}` or `{end_of_logs: true}`. */
export const jobLogsChannel = (jobId: string) => `provisioner-log-logs:${jobId}`;

const endOfLogs = JSON.stringify({ end_of_logs: true });

export interface PostJobParams {
  organizationId: string;
  initiatorId: string;
  provisioner: ProvisionerType;
  type: ProvisionerJobType;
  tags: Record<string, string>;
  input: unknown;
  /** The template archive the job works on. */
  fileId?: string;
}

export class ProvisionerdService {
  readonly acquirer: Acquirer;
  /** Per job type: payloads on acquire, results on completion (set by Coderd once built). */
  handlers: JobHandlers = {};
  /** Daemon sockets of this replica by the key they authenticated with. */
  private readonly keyHolders = new Map<string, Set<() => void>>();
  private unsubscribeKeys: (() => Promise<void>) | undefined;

  constructor(
    /** The authorizing store; calls here switch to the provisionerd actor. */
    readonly store: Store,
    readonly pubsub: Pubsub,
    readonly logger: Logger,
    readonly tuning: ProvisionerdTuning,
    /**
     * The pub/sub LISTENs on the store's own database, so a job's posting and its end of logs are
     * NOTIFYed by the statement that writes the job (one round trip less each, delivered at
     * commit). Otherwise (the in-memory pub/sub of unit tests) they are published after commit.
     */
    readonly notifyInStatements = false,
  ) {
    this.acquirer = new Acquirer(
      pubsub,
      logger.child({ component: 'acquirer' }),
      tuning.acquireFallbackPollMs,
    );
  }

  async start(): Promise<void> {
    await this.acquirer.start();
    this.unsubscribeKeys = await this.pubsub.subscribe(keyRevokedChannel, (keyId) => {
      for (const drop of this.keyHolders.get(keyId) ?? []) drop();
    });
  }

  async close(): Promise<void> {
    await this.unsubscribeKeys?.();
    await this.acquirer.close();
  }

  /** Calls `drop` when `keyId` is deleted on any replica; returns the unregister function. */
  onKeyRevoked(keyId: string, drop: () => void): () => void {
    let holders = this.keyHolders.get(keyId);
    if (!holders) this.keyHolders.set(keyId, (holders = new Set()));
    holders.add(drop);
    return () => {
      holders.delete(drop);
      if (holders.size === 0) this.keyHolders.delete(keyId);
    };
  }

  async publishKeyRevoked(keyId: string): Promise<void> {
    await this.pubsub
      .publish(keyRevokedChannel, keyId)
      .catch((err: unknown) => this.logger.warn({ err }, 'could not publish a key revocation'));
  }

  /** Registers (or re-registers) a daemon and returns the protocol endpoint for it. */
  async register(
    registration: DaemonRegistration,
    organizationId: string,
    keyId: string | null,
  ): Promise<DaemonServer> {
    const row = await withActor(systemActors.provisionerd, () =>
      this.store.upsertProvisionerDaemon({
        id: randomUUID(),
        organization_id: organizationId,
        name: registration.name,
        provisioners: registration.provisioners,
        tags: normalizeProvisionerTags(registration.tags),
        key_id: keyId,
        version: registration.version,
        api_version: provisionerdApiVersion,
      }),
    );
    return new DaemonServer(this, row, this.logger.child({ daemon: row.name }));
  }

  /**
   * Inserts a job as the current actor (so RBAC decides who may post) and wakes daemons. The
   * notification is delivered at (or published after) the commit, so an acquirer that wakes always
   * sees the row.
   */
  async postJob(p: PostJobParams): Promise<ProvisionerJobWithQueueRow> {
    const job = await this.insertJob(this.store, p);
    await this.announceJob(job);
    return job;
  }

  /** Inserts a job in the caller's transaction; call announceJob after it commits. */
  insertJob(tx: Store, p: PostJobParams): Promise<ProvisionerJobWithQueueRow> {
    const tags = normalizeProvisionerTags(p.tags);
    const posting: JobPosting = { organization_id: p.organizationId, provisioner: p.provisioner, tags };
    return tx.insertProvisionerJob(
      {
        id: randomUUID(),
        organization_id: p.organizationId,
        initiator_id: p.initiatorId,
        provisioner: p.provisioner,
        type: p.type,
        input: p.input,
        tags,
        file_id: p.fileId ?? null,
      },
      this.inStatement(jobPostedChannel, JSON.stringify(posting)),
    );
  }

  /** Wakes a daemon for a committed job; a lost notification only delays it to the next poll. */
  async announceJob(
    job: Pick<ProvisionerJobWithQueueRow, 'organization_id' | 'provisioner' | 'tags'>,
  ): Promise<void> {
    if (this.notifyInStatements) return; // insertJob's statement sent it, delivered at commit
    await Acquirer.publish(this.pubsub, {
      organization_id: job.organization_id,
      provisioner: job.provisioner,
      tags: job.tags,
    }).catch((err: unknown) =>
      this.logger.warn({ err }, 'could not publish a job posting; daemons will find it by polling'),
    );
  }

  /** The end-of-logs hint for the statement that finishes `jobId`; see publishEndOfLogsAfter. */
  endOfLogsNotification(jobId: string): Notification | undefined {
    return this.inStatement(jobLogsChannel(jobId), endOfLogs);
  }

  /** After a commit that finished a job with endOfLogsNotification: publishes it if no statement did. */
  async publishEndOfLogsAfter(jobId: string): Promise<void> {
    if (!this.notifyInStatements) await this.publishEndOfLogs(jobId);
  }

  /** The channel a log insert NOTIFYs itself, when statements notify; else publish with publishLogs. */
  logsNotificationChannel(jobId: string): string | undefined {
    return this.notifyInStatements ? jobLogsChannel(jobId) : undefined;
  }

  /** `message` for a statement to NOTIFY, when the pub/sub listens on the database. */
  private inStatement(channel: string, message: string): Notification | undefined {
    if (!this.notifyInStatements) return undefined;
    // The same limits the pub/sub enforces on publish (names that PostgreSQL would truncate).
    checkChannel(channel);
    checkPayload(channel, message);
    return { channel, message };
  }

  async publishLogs(jobId: string, createdAfter: number): Promise<void> {
    await this.pubsub
      .publish(jobLogsChannel(jobId), JSON.stringify({ created_after: createdAfter }))
      .catch((err: unknown) => this.logger.warn({ err }, 'could not publish a log hint'));
  }

  async publishEndOfLogs(jobId: string): Promise<void> {
    await this.pubsub
      .publish(jobLogsChannel(jobId), endOfLogs)
      .catch((err: unknown) => this.logger.warn({ err }, 'could not publish end of logs'));
  }
}
