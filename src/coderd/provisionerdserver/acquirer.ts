/**
 * Wakes long-polling acquirers when a matching job is posted (Coder's provisionerdserver Acquirer).
 * One subscription per replica to `provisioner_job_posted`; each waiting daemon re-runs the acquire
 * SQL only when a posting could match it. A slow fallback poll covers notifications lost while the
 * pub/sub connection was down.
 */
import type { Logger } from '../../sdk/logger.js';
import type { ProvisionerType } from '../../sdk/provisioner-jobs.js';
import { provisionerTagsetContains, type ProvisionerTags } from '../../sdk/provisioner-tags.js';
import type { Pubsub } from '../../database/postgres/pubsub.js';

export const jobPostedChannel = 'provisioner_job_posted';

export interface JobPosting {
  organization_id: string;
  provisioner: ProvisionerType;
  tags: ProvisionerTags;
}

interface Waiter {
  organizationId: string;
  provisioners: ProvisionerType[];
  tags: ProvisionerTags;
  /** Set when a posting arrived while the waiter was running its query: it must query again. */
  dirty: boolean;
  wake: (() => void) | undefined;
}

export class Acquirer {
  private readonly waiters = new Set<Waiter>();
  private unsubscribe: (() => Promise<void>) | undefined;
  /** Postings (and wake-ups of everyone) seen so far; see `emptyQueue`. */
  private postings = 0;
  /**
   * Per match (organization, provisioners, tags): the posting count when the latest query that
   * found no job started, and when. A daemon back from a job skips its first query while nothing
   * was posted since: when jobs arrive one at a time another daemon has usually just seen the
   * queue empty, and that query is otherwise one more round trip per job.
   */
  private readonly emptyQueue = new Map<string, { postings: number; at: number }>();

  constructor(
    private readonly pubsub: Pubsub,
    private readonly logger: Logger,
    private readonly fallbackPollMs: number,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.pubsub.subscribe(
      jobPostedChannel,
      (msg) => this.onPosting(msg),
      () => this.wakeAll(),
    );
  }

  async close(): Promise<void> {
    await this.unsubscribe?.();
    this.wakeAll();
  }

  static publish(pubsub: Pubsub, posting: JobPosting): Promise<void> {
    return pubsub.publish(jobPostedChannel, JSON.stringify(posting));
  }

  /**
   * Runs `tryAcquire` until it returns a job or the signal aborts. The waiter is registered before
   * each attempt, so a posting that lands during the query is never missed.
   */
  async acquire<T>(
    match: Omit<Waiter, 'dirty' | 'wake'>,
    tryAcquire: () => Promise<T | undefined>,
    signal: AbortSignal,
  ): Promise<T | undefined> {
    const waiter: Waiter = { ...match, dirty: false, wake: undefined };
    const key = JSON.stringify([match.organizationId, match.provisioners, match.tags]);
    this.waiters.add(waiter);
    try {
      for (let attempt = 0; !signal.aborted; attempt++) {
        waiter.dirty = false;
        const postings = this.postings;
        const empty = this.emptyQueue.get(key);
        // Only the first attempt: the fallback poll must query (it covers lost notifications), and
        // only while that empty answer is younger than the poll interval.
        const knownEmpty =
          attempt === 0 && empty?.postings === postings && performance.now() - empty.at < this.fallbackPollMs;
        if (!knownEmpty) {
          const at = performance.now();
          const job = await tryAcquire();
          if (job !== undefined) return job;
          const latest = this.emptyQueue.get(key);
          if (!latest || latest.postings <= postings) this.emptyQueue.set(key, { postings, at });
        }
        if (waiter.dirty) continue;
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            waiter.wake = undefined;
            resolve();
          };
          const timer = setTimeout(done, this.fallbackPollMs);
          signal.addEventListener('abort', done, { once: true });
          waiter.wake = done;
        });
      }
      return undefined;
    } finally {
      this.waiters.delete(waiter);
    }
  }

  private onPosting(msg: string): void {
    this.postings++;
    let posting: JobPosting;
    try {
      posting = JSON.parse(msg) as JobPosting;
    } catch {
      this.logger.warn({ msg }, 'ignoring a malformed job posting');
      return;
    }
    let woke = false;
    for (const w of [...this.waiters]) {
      if (
        w.organizationId !== posting.organization_id ||
        !w.provisioners.includes(posting.provisioner) ||
        !provisionerTagsetContains(w.tags, posting.tags)
      )
        continue;
      if (w.wake === undefined) {
        // Querying now: it may have missed this job, so it queries once more before sleeping.
        w.dirty = true;
      } else if (!woke) {
        // Wake one idle waiter per posting, not every match, so N daemons do not race for one row;
        // moving it to the end of the set rotates postings between daemons.
        woke = true;
        this.waiters.delete(w);
        this.waiters.add(w);
        this.poke(w);
      }
    }
  }

  private poke(w: Waiter): void {
    w.dirty = true;
    w.wake?.();
  }

  private wakeAll(): void {
    this.postings++; // notifications may have been lost: nothing is known empty any more
    for (const w of this.waiters) this.poke(w);
  }
}
