/** Rows → wire types for provisioner jobs, logs, daemons and keys. */
import {
  provisionerDaemonOfflineAfterMs,
  type ProvisionerDaemon,
  type ProvisionerKey,
} from '../sdk/provisioner-daemons.js';
import type { ProvisionerJob, ProvisionerJobLog } from '../sdk/provisioner-jobs.js';
import type {
  ProvisionerDaemonRow,
  ProvisionerJobLogRow,
  ProvisionerJobWithQueueRow,
  ProvisionerKeyRow,
} from '../database/models.js';

const iso = (d: Date | null) => (d ? d.toISOString() : undefined);

export function toProvisionerJob(j: ProvisionerJobWithQueueRow): ProvisionerJob {
  return {
    id: j.id,
    created_at: j.created_at.toISOString(),
    started_at: iso(j.started_at),
    completed_at: iso(j.completed_at),
    canceled_at: iso(j.canceled_at),
    error: j.error ?? undefined,
    error_code: j.error_code ?? undefined,
    status: j.job_status,
    worker_id: j.worker_id ?? undefined,
    worker_name: j.worker_name ?? undefined,
    file_id: j.file_id ?? undefined,
    tags: j.tags,
    queue_position: j.queue_position,
    queue_size: j.queue_size,
    organization_id: j.organization_id,
    initiator_id: j.initiator_id,
    provisioner: j.provisioner,
    type: j.type,
    input: j.input,
    logs_overflowed: j.logs_overflowed,
  };
}

export function toProvisionerJobLog(l: ProvisionerJobLogRow): ProvisionerJobLog {
  return {
    id: Number(l.id),
    created_at: l.created_at.toISOString(),
    log_source: l.source,
    log_level: l.level,
    stage: l.stage,
    output: l.output,
  };
}

export function toProvisionerDaemon(d: ProvisionerDaemonRow, now = Date.now()): ProvisionerDaemon {
  const offline = now - d.last_seen_at.getTime() > provisionerDaemonOfflineAfterMs;
  return {
    id: d.id,
    organization_id: d.organization_id,
    key_id: d.key_id ?? undefined,
    created_at: d.created_at.toISOString(),
    last_seen_at: d.last_seen_at.toISOString(),
    name: d.name,
    version: d.version,
    api_version: d.api_version,
    provisioners: d.provisioners,
    tags: d.tags,
    status: offline ? 'offline' : d.current_job_id ? 'busy' : 'idle',
    current_job_id: d.current_job_id ?? undefined,
  };
}

export function toProvisionerKey(k: ProvisionerKeyRow): ProvisionerKey {
  return {
    id: k.id,
    created_at: k.created_at.toISOString(),
    organization: k.organization_id,
    name: k.name,
    tags: k.tags,
  };
}
