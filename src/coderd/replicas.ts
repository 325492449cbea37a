/**
 * `GET /replicas` (owners: the live replicas of the deployment) and the relay endpoint other
 * replicas call (ADR 0070): with `agent` and `target` and a raw Upgrade it opens a stream over
 * this replica's own connection to that agent; without them it answers the heartbeat's probe.
 * Only a request signed with the deployment's relay key gets in (replica-relay-auth.ts).
 */
import { InvalidInput, Unauthenticated } from '../sdk/errors.js';
import type { Replica } from '../sdk/replicas.js';
import { targetProblem } from '../sdk/tunnel/index.js';
import { isUuid } from '../sdk/validation.js';
import type { ReplicaRow } from '../database/models.js';
import { requireRawUpgrade, serveStreamUpgrade } from './agent-stream-upgrade.js';
import { writeJson } from './httpapi/write.js';
import { relayAuthHeader } from './replica-relay-auth.js';
import type { RelayProbeResponse } from './replica-relay.js';
import type { RequestContext } from './request-context.js';

export function toReplica(r: ReplicaRow): Replica {
  return {
    id: r.id,
    hostname: r.hostname,
    created_at: r.created_at.toISOString(),
    relay_address: r.relay_address,
    region_id: r.region_id,
    error: r.error,
    database_latency: r.database_latency,
    version: r.version,
    started_at: r.started_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}

export async function listReplicas(ctx: RequestContext): Promise<void> {
  const rows = await ctx.api.store.listLiveReplicas(ctx.api.replicas.tuning.peerTimeoutMs);
  writeJson(ctx.res, 200, rows.map(toReplica));
}

export async function serveReplicaRelay(ctx: RequestContext): Promise<void> {
  const header = ctx.req.headers[relayAuthHeader.toLowerCase()];
  const sender = ctx.api.relayAuth.verify(typeof header === 'string' ? header : undefined, ctx.req.url ?? '');
  if (!sender) throw new Unauthenticated('Only the replicas of this deployment may use the relay.');
  const agentId = ctx.url.searchParams.get('agent');
  if (agentId === null) {
    const body: RelayProbeResponse = { replica_id: ctx.api.replicas.id };
    writeJson(ctx.res, 200, body);
    return;
  }
  if (!isUuid(agentId)) throw InvalidInput.field('agent', 'Must be a workspace agent id.');
  const target = ctx.url.searchParams.get('target') ?? '';
  const problem = targetProblem(target);
  if (problem) throw InvalidInput.field('target', problem);
  requireRawUpgrade(ctx);
  ctx.logger.debug({ from: sender, agent: agentId, target }, 'relaying a stream for another replica');
  await serveStreamUpgrade(ctx, ctx.api.agentConnections.openLocal(agentId, target));
}
