/** Deployment-wide handlers: build info, liveness, and the health report for owners. */
import type { BuildInfoResponse, DatabaseHealth, HealthcheckReport } from '../sdk/deployment.js';
import { withActor } from '../database/authz/actor-context.js';
import { systemActors } from '../database/authz/actors.js';
import { agentApiVersion, hangarVersion, provisionerApiVersion } from '../sdk/version.js';
import { writeJson } from './httpapi/write.js';
import { toReplica } from './replicas.js';
import type { Middleware, RequestContext } from './request-context.js';

export async function buildInfo(ctx: RequestContext): Promise<void> {
  const body: BuildInfoResponse = {
    external_url: 'https://github.com/hangar-dev/hangar',
    version: hangarVersion,
    dashboard_url: ctx.api.accessUrl.toString(),
    deployment_id: ctx.api.deploymentId,
    agent_api_version: agentApiVersion,
    provisioner_api_version: provisionerApiVersion,
    workspace_proxy: false,
  };
  writeJson(ctx.res, 200, body);
}

/**
 * Liveness only, as Coder's: it does not look at the database, so an orchestrator's liveness probe
 * never restarts replicas during a database outage (which would cut the tunnels they keep open).
 */
export async function healthz(ctx: RequestContext): Promise<void> {
  ctx.res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  ctx.res.end('OK');
}

/**
 * Times one ping and returns why it failed, if it did. A refusal (the caller may not read the
 * report: "not found") is thrown, not reported.
 */
async function pingDatabase(ping: () => Promise<void>): Promise<{ latencyMs: number; error?: string }> {
  const started = performance.now();
  let error: string | undefined;
  try {
    await ping();
  } catch (err) {
    if ((err as { code?: string }).code === 'not_found') throw err;
    error = (err as Error).message || String(err);
  }
  return { latencyMs: Math.round((performance.now() - started) * 100) / 100, error };
}

function databaseHealth(latencyMs: number, error: string | undefined): DatabaseHealth {
  return {
    healthy: error === undefined,
    reachable: error === undefined,
    latency: `${latencyMs}ms`,
    latency_ms: latencyMs,
    ...(error ? { error } : {}),
  };
}

/**
 * Runs before authentication on GET /debug/health: while the database is down nobody can be
 * authenticated, so the report then answers anyone, 503, naming the database as the cause and
 * nothing else (no addresses, no replicas). Otherwise the owner-only report follows.
 */
export const reportDatabaseOutage: Middleware = async (ctx, next) => {
  // A probe with no user behind it yet: the background actor.
  const { latencyMs, error } = await pingDatabase(() =>
    withActor(systemActors.background, () => ctx.api.store.ping()),
  );
  if (error === undefined) return next();
  ctx.logger.warn({ err: error }, 'health check: the database is unreachable');
  const body: HealthcheckReport = {
    time: new Date().toISOString(),
    healthy: false,
    severity: 'error',
    database: databaseHealth(latencyMs, 'The database is unreachable.'),
    replicas: { healthy: false, replica_id: ctx.api.replicas.id, replicas: [] },
    coder_version: hangarVersion,
  };
  writeJson(ctx.res, 503, body);
};

/**
 * GET /debug/health — database reachability and latency, whether pub/sub is delivering, and the
 * replicas with any trouble they report; for owners. The replicas come from this replica's memory
 * (its last heartbeat).
 */
export async function debugHealth(ctx: RequestContext): Promise<void> {
  // As the caller: owners only, a refused caller sees "not found".
  const { latencyMs, error: pingError } = await pingDatabase(() => ctx.api.store.ping());
  // A replica whose listener is away misses job wake-ups and workspace events: not healthy yet.
  const error = pingError ?? ctx.api.pubsub.unavailable;
  const database = { ...databaseHealth(latencyMs, error), reachable: pingError === undefined };
  const sync = ctx.api.replicas;
  const replicas = sync.all().map(toReplica);
  const replicasHealthy = sync.heartbeatError === undefined && replicas.every((r) => r.error === '');
  const healthy = database.healthy && replicasHealthy;
  const body: HealthcheckReport = {
    time: new Date().toISOString(),
    healthy,
    severity: healthy ? 'ok' : database.healthy ? 'warning' : 'error',
    database,
    replicas: {
      healthy: replicasHealthy,
      replica_id: sync.id,
      replicas,
      ...(sync.heartbeatError ? { error: sync.heartbeatError } : {}),
    },
    coder_version: hangarVersion,
  };
  writeJson(ctx.res, 200, body);
}
