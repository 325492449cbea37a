/** Deployment-wide handlers: build info, liveness, and the health report for owners. */
import type { BuildInfoResponse, HealthcheckReport } from '../sdk/deployment.js';
import { agentApiVersion, hangarVersion, provisionerApiVersion } from '../sdk/version.js';
import { writeJson } from './httpapi/write.js';
import { toReplica } from './replicas.js';
import type { RequestContext } from './request-context.js';

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

export async function healthz(ctx: RequestContext): Promise<void> {
  ctx.res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  ctx.res.end('OK');
}

/**
 * GET /debug/health — database reachability and latency, and the replicas with any trouble they
 * report; the ping is authorized for owners only. The replicas come from this replica's memory
 * (its last heartbeat), so the report still answers while the database is down.
 */
export async function debugHealth(ctx: RequestContext): Promise<void> {
  const started = performance.now();
  let error: string | undefined;
  try {
    await ctx.api.store.ping();
  } catch (err) {
    if ((err as { code?: string }).code === 'not_found') throw err;
    error = (err as Error).message;
  }
  const latencyMs = Math.round((performance.now() - started) * 100) / 100;
  const databaseHealthy = error === undefined;
  const sync = ctx.api.replicas;
  const replicas = sync.all().map(toReplica);
  const replicasHealthy = sync.heartbeatError === undefined && replicas.every((r) => r.error === '');
  const healthy = databaseHealthy && replicasHealthy;
  const body: HealthcheckReport = {
    time: new Date().toISOString(),
    healthy,
    severity: healthy ? 'ok' : databaseHealthy ? 'warning' : 'error',
    database: {
      healthy: databaseHealthy,
      reachable: databaseHealthy,
      latency: `${latencyMs}ms`,
      latency_ms: latencyMs,
      ...(error ? { error } : {}),
    },
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
