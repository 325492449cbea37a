/**
 * What is special about each job type on the server side: the payload a daemon gets when it
 * acquires the job (template archive, state, metadata) and how the result is stored when it
 * completes or fails. The queue (daemon-server.ts) stays type-agnostic; jobs without a handler
 * (raw echo jobs) just carry their input.
 */
import type { Logger } from '../../sdk/logger.js';
import type { ProvisionResult } from '../../sdk/provisioner.js';
import type { AcquiredJob, FailJobRequest } from '../../sdk/provisionerd-protocol.js';
import type { ProvisionerJobType } from '../../sdk/provisioner-jobs.js';
import type { ProvisionerJobRow } from '../../database/models.js';
import type { Pubsub } from '../../database/postgres/pubsub.js';
import type { Store } from '../../database/store.js';
import { templateDryRunJob } from './template-dry-run-job.js';
import { isRawEchoJob, templateImportJob } from './template-import-job.js';
import { workspaceBuildJobHandler } from './workspace-build-job.js';

/** Work to do once the transaction that finished the job has committed (notifications). */
export type AfterCommit = () => Promise<void>;

export interface JobHandlerDeps {
  store: Store;
  pubsub: Pubsub;
  logger: Logger;
  /** What agents and templates see as the deployment's URL (CODER_AGENT_URL). */
  accessUrl: URL;
}

export interface JobTypeHandler {
  /**
   * The typed payload for a just-acquired job. Throwing fails the job with the error's message
   * (e.g. a build whose workspace is gone) and the daemon acquires the next one.
   */
  acquired(job: ProvisionerJobRow): Promise<Pick<AcquiredJob, 'payload' | 'template_source_archive'>>;
  /** Stores the result; runs in the transaction that marks the job succeeded. */
  completed(tx: Store, job: ProvisionerJobRow, result: ProvisionResult): Promise<AfterCommit | void>;
  /** Runs in the transaction that marks the job failed (keeps a failed build's partial state). */
  failed(tx: Store, job: ProvisionerJobRow, req: FailJobRequest): Promise<AfterCommit | void>;
}

export type JobHandlers = Partial<Record<ProvisionerJobType, JobTypeHandler>>;

/** The handlers of every job type; each lives beside the API of the thing it provisions. */
export function jobHandlers(deps: JobHandlerDeps): JobHandlers {
  return {
    template_version_import: templateImportJob(deps),
    template_version_dry_run: templateDryRunJob(deps),
    workspace_build: workspaceBuildJobHandler(deps),
  };
}

/**
 * Whether completing `job` stores anything besides the job row: not for a type without a handler,
 * nor for a raw echo job (posted directly, no template archive), which the template handlers pass
 * through and which as a build fails when acquired (it has no workspace build). Such a job
 * completes in one statement, without a transaction around it.
 */
export const storesResult = (handlers: JobHandlers, job: ProvisionerJobRow): boolean =>
  handlers[job.type] !== undefined && !isRawEchoJob(job);
