/**
 * Agent stats reports of this replica, inserted together (ADR 0077): a report is answered at
 * once and, within a tick, one statement files every waiting report under its workspace, owner
 * and template and bumps last_used_at of the workspaces with open sessions. A crash loses at
 * most one tick of reports.
 */
import { withActor } from '../database/authz/actor-context.js';
import { systemActors } from '../database/authz/actors.js';
import type { AgentStatsReport } from '../database/queries/workspace-agents.js';
import type { Store } from '../database/store.js';
import type { Logger } from '../sdk/logger.js';
import { defaultAgentReportTuning } from './agent-metadata-batcher.js';
import { TickBatcher } from './tick-batcher.js';

export function agentStatsBatcher(
  store: Store,
  logger: Logger,
  tuning = defaultAgentReportTuning,
): TickBatcher<AgentStatsReport> {
  return new TickBatcher<AgentStatsReport>({
    ...tuning,
    what: 'agent stats',
    logger,
    // Every report is its own row.
    key: (r) => r.id,
    write: (reports) => withActor(systemActors.agent, () => store.insertWorkspaceAgentStats(reports)),
  });
}
