/** Wire types for provisioner jobs and their logs (Coder's codersdk/provisionerdaemons.go). */
import { z } from 'zod';

export const provisionerTypes = ['echo', 'terraform'] as const;
export type ProvisionerType = (typeof provisionerTypes)[number];

export const provisionerJobTypes = [
  'template_version_import',
  'workspace_build',
  'template_version_dry_run',
] as const;
export type ProvisionerJobType = (typeof provisionerJobTypes)[number];

export const provisionerJobStatuses = [
  'pending',
  'running',
  'succeeded',
  'canceling',
  'canceled',
  'failed',
] as const;
export type ProvisionerJobStatus = (typeof provisionerJobStatuses)[number];

export const logLevels = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof logLevels)[number];
export const logSources = ['provisioner_daemon', 'provisioner'] as const;
export type LogSource = (typeof logSources)[number];

export interface ProvisionerJob {
  id: string;
  created_at: string;
  started_at?: string;
  completed_at?: string;
  canceled_at?: string;
  error?: string;
  error_code?: string;
  status: ProvisionerJobStatus;
  worker_id?: string;
  worker_name?: string;
  file_id?: string;
  tags: Record<string, string>;
  /** 1-based position among all queued jobs; 0 once the job has left the queue. */
  queue_position: number;
  queue_size: number;
  organization_id: string;
  initiator_id: string;
  provisioner: ProvisionerType;
  type: ProvisionerJobType;
  input: unknown;
  logs_overflowed: boolean;
}

export interface ProvisionerJobLog {
  id: number;
  created_at: string;
  log_source: LogSource;
  log_level: LogLevel;
  stage: string;
  output: string;
}

/** Longest stored log line (Coder's varchar(1024)); longer lines are truncated. */
export const maxLogOutputLength = 1024;
export const maxLogStageLength = 128;
/** Total log bytes kept per job; later lines are dropped and logs_overflowed is set. */
export const maxJobLogsBytes = 1 << 20;

/**
 * POST /organizations/{org}/provisionerjobs: posts a job directly. Until templates exist this is
 * how echo jobs are queued (owners and template admins only; docs/adr/0022).
 */
export const PostProvisionerJobRequest = z.strictObject({
  provisioner: z.enum(provisionerTypes).default('echo'),
  type: z.enum(provisionerJobTypes).default('template_version_import'),
  tags: z.record(z.string().max(128), z.string().max(256)).default({}),
  input: z.unknown().default({}),
});
export type PostProvisionerJobRequest = z.input<typeof PostProvisionerJobRequest>;

/** Query of GET /organizations/{org}/provisionerjobs. */
export interface ListProvisionerJobsOptions {
  /** At most this many, newest first (1–1000, default 50). */
  limit?: number;
  /** Only jobs in one of these statuses. */
  status?: ProvisionerJobStatus[];
}
