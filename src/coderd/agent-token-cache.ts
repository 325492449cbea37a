/**
 * Agent tokens this replica resolved lately, for the agent's frequent reports (metadata, stats,
 * logs, app health; ADR 0077): the lookup joins five tables and, planned per call, cost about a
 * millisecond of database CPU on every report. Coder authenticates an agent once per dRPC
 * connection; this is the HTTP equivalent. An entry is dropped as soon as its workspace changes
 * (a build, a deletion: the workspace's pub/sub hint, from any replica) or the listener may have
 * missed a hint, and is re-read after `ttlMs` regardless, so a token that no longer authenticates
 * stops working within one pub/sub delivery, at most `ttlMs`. Tokens stay keyed by their hash.
 */
import { withActor } from '../database/authz/actor-context.js';
import { systemActors } from '../database/authz/actors.js';
import type { Pubsub } from '../database/postgres/pubsub.js';
import type { WorkspaceAgentWithWorkspaceRow } from '../database/queries/workspace-agents.js';
import type { Store } from '../database/store.js';
import { workspaceEventChannel } from './workspace-events.js';

/** The bound on serving a token whose workspace changed without a hint reaching this replica. */
export const agentTokenCacheTtlMs = 60_000;

interface Watched {
  tokens: Set<string>;
  subscribed: Promise<() => Promise<void>>;
  /** When the LISTEN took effect: reads that started before it may have missed a change. */
  listeningSince: number;
}

export class AgentTokenCache {
  private readonly tokens = new Map<
    string,
    { agent: WorkspaceAgentWithWorkspaceRow; readAt: number; usedAt: number }
  >();
  private readonly workspaces = new Map<string, Watched>();
  private sweptAt = Date.now();

  constructor(
    private readonly store: Store,
    private readonly pubsub: Pubsub,
    private readonly ttlMs = agentTokenCacheTtlMs,
  ) {}

  /** The agent the token hash authenticates now (as getWorkspaceAgentByAuthTokenHash), cached. */
  async get(hash: Buffer): Promise<WorkspaceAgentWithWorkspaceRow | undefined> {
    const now = Date.now();
    this.sweep(now);
    const key = hash.toString('hex');
    const cached = this.tokens.get(key);
    if (cached && now - cached.readAt < this.ttlMs) {
      cached.usedAt = now;
      return cached.agent;
    }
    const readFrom = performance.now();
    let agent = await this.read(hash);
    if (!agent) {
      this.tokens.delete(key);
      return undefined;
    }
    const workspaceId = agent.workspace_id;
    let watched = this.workspaces.get(workspaceId);
    if (!watched) {
      const invalidate = () => this.invalidate(workspaceId);
      const entry: Watched = {
        tokens: new Set(),
        listeningSince: Infinity,
        subscribed: this.pubsub
          .subscribe(workspaceEventChannel(workspaceId), invalidate, invalidate)
          .then((unsubscribe) => {
            entry.listeningSince = performance.now();
            return unsubscribe;
          }),
      };
      this.workspaces.set(workspaceId, (watched = entry));
    }
    try {
      await watched.subscribed;
    } catch {
      // Without the hint an entry could outlive a change: answer uncached.
      if (this.workspaces.get(workspaceId) === watched) this.workspaces.delete(workspaceId);
      return agent;
    }
    // A change between a read and the LISTEN sent no hint here: read again now that it listens.
    if (readFrom < watched.listeningSince) {
      agent = await this.read(hash);
      if (!agent) return undefined;
    }
    // Invalidated meanwhile: the answer stands, uncached.
    if (this.workspaces.get(workspaceId) !== watched) return agent;
    watched.tokens.add(key);
    this.tokens.set(key, { agent, readAt: Date.now(), usedAt: now });
    return agent;
  }

  /** The number of cached tokens (tests). */
  get size(): number {
    return this.tokens.size;
  }

  private read(hash: Buffer): Promise<WorkspaceAgentWithWorkspaceRow | undefined> {
    return withActor(systemActors.agent, () => this.store.getWorkspaceAgentByAuthTokenHash(hash));
  }

  private invalidate(workspaceId: string): void {
    const watched = this.workspaces.get(workspaceId);
    if (!watched) return;
    this.workspaces.delete(workspaceId);
    for (const key of watched.tokens) this.tokens.delete(key);
    void watched.subscribed.then((unsubscribe) => unsubscribe()).catch(() => {});
  }

  /** Forgets tokens unused for two TTLs (agents that stopped), and stops watching their workspaces. */
  private sweep(now: number): void {
    if (now - this.sweptAt < this.ttlMs) return;
    this.sweptAt = now;
    for (const [workspaceId, watched] of this.workspaces) {
      for (const key of watched.tokens) {
        const entry = this.tokens.get(key);
        if (!entry || now - entry.usedAt > 2 * this.ttlMs) {
          this.tokens.delete(key);
          watched.tokens.delete(key);
        }
      }
      if (watched.tokens.size === 0) this.invalidate(workspaceId);
    }
  }
}
