/**
 * Agent metadata reports of this replica, written together (Coder's metadatabatcher, ADR 0077):
 * a report is validated and answered at once, its values wait here (newest per agent and key), and
 * every tick (or once `maxAgents` agents are waiting) one UPDATE writes them all and one pub/sub
 * message per `idsPerMessage` agents tells every replica's watchers which agents to re-read. A
 * crash loses the reports of at most one tick; a clean shutdown flushes them.
 */
import { withActor } from '../database/authz/actor-context.js';
import { systemActors } from '../database/authz/actors.js';
import type { Pubsub } from '../database/postgres/pubsub.js';
import type { AgentMetadataValue } from '../database/queries/workspace-agents.js';
import type { Store } from '../database/store.js';
import type { Logger } from '../sdk/logger.js';

/** One channel for the deployment: a JSON array of the agent ids whose metadata changed. */
export const agentMetadataBatchChannel = 'workspace_agent_metadata_batch';

export interface AgentMetadataBatcherTuning {
  /** How long a report may wait to be written (and seen by watchers). */
  flushIntervalMs: number;
  /** Waiting agents that trigger a flush before the tick. */
  maxAgents: number;
}

export const defaultAgentMetadataBatcherTuning: AgentMetadataBatcherTuning = {
  flushIntervalMs: 1_000,
  maxAgents: 500,
};

/** 200 quoted UUIDs and their commas stay under PostgreSQL's 8000-byte NOTIFY payload. */
const idsPerMessage = 200;

export class AgentMetadataBatcher {
  private waiting = new Map<string, Map<string, AgentMetadataValue>>();
  private flushing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly pubsub: Pubsub,
    private readonly logger: Logger,
    private readonly tuning = defaultAgentMetadataBatcherTuning,
  ) {
    this.timer = setInterval(() => void this.flush(), tuning.flushIntervalMs);
    this.timer.unref();
  }

  /** Queues an agent's values; a newer value of a key replaces one still waiting. */
  add(values: AgentMetadataValue[]): void {
    for (const v of values) {
      let keys = this.waiting.get(v.agent_id);
      if (!keys) this.waiting.set(v.agent_id, (keys = new Map()));
      keys.set(v.key, v);
    }
    if (this.waiting.size >= this.tuning.maxAgents) void this.flush();
  }

  /** Writes what is waiting (after any flush in progress); never rejects. */
  flush(): Promise<void> {
    this.flushing = this.flushing
      .then(() => this.write())
      .catch((err: unknown) => this.logger.error({ err }, 'flushing agent metadata failed'));
    return this.flushing;
  }

  /** Stops the tick and writes what is waiting (server shutdown). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async write(): Promise<void> {
    if (this.waiting.size === 0) return;
    const batch = this.waiting;
    this.waiting = new Map();
    const values = [...batch.values()].flatMap((keys) => [...keys.values()]);
    let agents: string[];
    try {
      agents = await withActor(systemActors.agent, () => this.store.updateWorkspaceAgentMetadata(values));
    } catch (err) {
      // Metadata is a latest-value gauge: the agents report again within their intervals.
      this.logger.warn({ err, agents: batch.size }, 'writing a batch of agent metadata failed');
      return;
    }
    for (let i = 0; i < agents.length; i += idsPerMessage)
      await this.pubsub
        .publish(agentMetadataBatchChannel, JSON.stringify(agents.slice(i, i + idsPerMessage)))
        .catch((err: unknown) => this.logger.warn({ err }, 'could not publish an agent metadata hint'));
  }
}
