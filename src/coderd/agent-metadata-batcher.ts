/**
 * Agent metadata reports of this replica, written together (Coder's metadatabatcher, ADR 0077):
 * a report is validated and answered at once, its values wait (newest per agent and key), and
 * every tick one UPDATE writes them all and one pub/sub message per `idsPerMessage` agents tells
 * every replica's watchers which agents to re-read. A crash loses the reports of at most one
 * tick; a clean shutdown writes them.
 */
import { withActor } from '../database/authz/actor-context.js';
import { systemActors } from '../database/authz/actors.js';
import type { Pubsub } from '../database/postgres/pubsub.js';
import type { AgentMetadataValue } from '../database/queries/workspace-agents.js';
import type { Store } from '../database/store.js';
import type { Logger } from '../sdk/logger.js';
import { TickBatcher, type TickBatcherTuning } from './tick-batcher.js';

/** One channel for the deployment: a JSON array of the agent ids whose metadata changed. */
export const agentMetadataBatchChannel = 'workspace_agent_metadata_batch';

/** A second between writes; 1,000 values (500 agents' two items) write at once. */
export const defaultAgentReportTuning: TickBatcherTuning = { intervalMs: 1_000, maxItems: 1_000 };

/** 200 quoted UUIDs and their commas stay under PostgreSQL's 8000-byte NOTIFY payload. */
const idsPerMessage = 200;

export function agentMetadataBatcher(
  store: Store,
  pubsub: Pubsub,
  logger: Logger,
  tuning = defaultAgentReportTuning,
): TickBatcher<AgentMetadataValue> {
  return new TickBatcher<AgentMetadataValue>({
    ...tuning,
    what: 'agent metadata',
    logger,
    key: (v) => `${v.agent_id} ${v.key}`,
    async write(values) {
      // One order for every replica's writes, so two flushes that share agents lock their rows in
      // the same order (an agent's reports may reach several replicas through the balancer).
      values.sort((a, b) => (a.agent_id + a.key < b.agent_id + b.key ? -1 : 1));
      const agents = await withActor(systemActors.agent, () => store.updateWorkspaceAgentMetadata(values));
      for (let i = 0; i < agents.length; i += idsPerMessage)
        await pubsub
          .publish(agentMetadataBatchChannel, JSON.stringify(agents.slice(i, i + idsPerMessage)))
          .catch((err: unknown) => logger.warn({ err }, 'could not publish an agent metadata hint'));
    },
  });
}
