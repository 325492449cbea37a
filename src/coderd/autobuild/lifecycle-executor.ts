/**
 * Starts and stops workspaces on their schedules (Coder's autobuild lifecycle executor). Every
 * tick (a minute by default) one replica claims the tick in the database, lists the workspaces
 * that may be due, and for each one, in its own transaction holding the workspace's row lock,
 * re-reads it, decides (next-transition.ts) and inserts the build as Coder does: initiated by the
 * owner, reason `autostart` or `autostop`, with the last build's parameters, on the last build's
 * template version unless the workspace or template asks for the active one. A workspace whose
 * build cannot be created (a new required parameter, say) is logged and tried again next tick.
 */
import type { Logger } from '../../sdk/logger.js';
import { withActor } from '../../database/authz/actor-context.js';
import { systemActors } from '../../database/authz/actors.js';
import type { ProvisionerJobRow } from '../../database/models.js';
import type { LifecycleCandidateRow } from '../../database/queries/lifecycle.js';
import type { Store } from '../../database/store.js';
import type { WorkspacesService } from '../workspaces-service.js';
import { nextTransition, usesActiveVersion, type Transition } from './next-transition.js';

/** Workspaces built at once in one tick, so a large fleet does not take every connection. */
const concurrency = 5;

export interface TickStats {
  /** False when another replica had already claimed this tick. */
  claimed: boolean;
  transitions: Map<string, Transition>;
  errors: Map<string, Error>;
}

export class LifecycleExecutor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private closed = false;
  /** Between ticks; also the length of the tick a replica claims. */
  readonly intervalMs: number;
  /** Ticks this replica claimed and ran (the others were another replica's). */
  claimedTicks = 0;

  constructor(
    private readonly store: Store,
    private readonly workspaces: WorkspacesService,
    private readonly logger: Logger,
    intervalMs: number,
  ) {
    // A zero interval would spin; nothing needs finer than a tenth of a second.
    this.intervalMs = Math.max(100, intervalMs);
  }

  start(): void {
    this.schedule();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((err: unknown) => this.logger.error({ err: (err as Error).message }, 'autobuild tick failed'))
        .finally(() => this.schedule());
    }, this.intervalMs);
  }

  /** One tick: claims it and builds whatever is due. Exposed for tests. */
  async tick(now = new Date()): Promise<TickStats> {
    const stats: TickStats = { claimed: false, transitions: new Map(), errors: new Map() };
    // Background work with no user behind it: the background actor.
    const candidates = await withActor(systemActors.background, async () => {
      if (!(await this.store.claimLifecycleTick(this.intervalMs))) return undefined;
      return this.store.listLifecycleCandidates(now);
    });
    if (!candidates) return stats;
    stats.claimed = true;
    this.claimedTicks++;
    await this.buildDue(candidates, now, stats);
    return stats;
  }

  /**
   * Builds each candidate that is due at `now`, a few at a time; safe to run on several replicas
   * at once (each build re-decides under the workspace's lock). Exposed for tests.
   */
  async buildDue(candidates: LifecycleCandidateRow[], now: Date, stats: TickStats): Promise<void> {
    const queue = candidates.filter((c) => nextTransition(c, now) !== undefined);
    const worker = async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        try {
          const done = await this.transition(c.id, now);
          if (done) stats.transitions.set(c.id, done);
        } catch (err) {
          stats.errors.set(c.id, err as Error);
          this.logger.error(
            { workspace: c.id, name: c.name, err: (err as Error).message },
            'could not build a workspace on its schedule',
          );
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  /** Builds one workspace if it is still due once its row is locked; returns what it did. */
  private async transition(workspaceId: string, now: Date): Promise<Transition | undefined> {
    const done = await withActor(systemActors.background, () =>
      this.store.inTx(async (tx) => {
        // The row lock serialises this with user builds and other replicas; re-reading under it
        // means a workspace another replica just built is no longer due here.
        await tx.lockLatestWorkspaceBuild(workspaceId);
        const c = await tx.getLifecycleCandidate(workspaceId);
        const next = c && nextTransition(c, now);
        if (!c || !next) return undefined;
        const job = await this.insert(tx, c, next);
        return { next, job, candidate: c };
      }),
    );
    if (!done) return undefined;
    const { next, job, candidate } = done;
    this.logger.info(
      {
        workspace: candidate.id,
        name: candidate.name,
        transition: next.transition,
        reason: next.reason,
        job: job?.id,
      },
      'scheduled workspace build',
    );
    await withActor(systemActors.background, () => this.workspaces.announceBuild(candidate.id, job));
    return next;
  }

  private async insert(
    tx: Store,
    c: LifecycleCandidateRow,
    next: Transition,
  ): Promise<ProvisionerJobRow | undefined> {
    const template = await tx.getTemplateById(c.template_id);
    if (!template) throw new Error("the workspace's template is gone");
    const versionId =
      next.transition === 'start' && usesActiveVersion(c)
        ? c.template_active_version_id
        : c.build_template_version_id;
    const version = await tx.getTemplateVersionWithImport(versionId);
    if (!version) throw new Error(`template version ${versionId} is gone`);
    const { job } = await this.workspaces.insertBuild(tx, {
      workspace: c,
      template,
      version,
      req: { transition: next.transition },
      // As in Coder, the owner initiates the builds the schedule makes.
      initiatorId: c.owner_id,
      reason: next.reason,
    });
    return job;
  }
}
