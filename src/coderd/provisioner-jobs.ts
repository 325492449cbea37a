/** Provisioner job handlers: list, get, post (echo jobs until templates exist), cancel, logs. */
import { InvalidInput, NotFound, PreconditionFailed } from '../sdk/errors.js';
import {
  PostProvisionerJobRequest,
  provisionerJobStatuses,
  type ProvisionerJobStatus,
} from '../sdk/provisioner-jobs.js';
import type { ProvisionerJobWithQueueRow } from '../database/models.js';
import { readJson } from './httpapi/read.js';
import { writeJson } from './httpapi/write.js';
import { toProvisionerJob, toProvisionerJobLog } from './provisioner-convert.js';
import { followJobLogs } from './provisioner-job-logs-follow.js';
import { afterParam, wantsFollow } from './log-follow.js';
import { authOf, organizationOf, type RequestContext } from './request-context.js';

async function jobInOrganization(ctx: RequestContext): Promise<ProvisionerJobWithQueueRow> {
  const job = await ctx.api.store.getProvisionerJobById(ctx.params.job ?? '');
  if (!job || job.organization_id !== organizationOf(ctx).id)
    throw new NotFound('Provisioner job not found.');
  return job;
}

/** GET /organizations/{org}/provisionerjobs[?limit=N][&status=pending,running] — newest first. */
export async function listProvisionerJobs(ctx: RequestContext): Promise<void> {
  const q = ctx.url.searchParams;
  const limit = Math.min(Math.max(Number(q.get('limit') ?? 50) || 50, 1), 1000);
  // Repeated or comma-separated, as Coder's `status` query parameter.
  const statuses = q
    .getAll('status')
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = statuses.find((s) => !(provisionerJobStatuses as readonly string[]).includes(s));
  if (unknown !== undefined)
    throw InvalidInput.field(
      'status',
      `Unknown status "${unknown}"; use ${provisionerJobStatuses.join(', ')}.`,
    );
  const jobs = await ctx.api.store.listProvisionerJobsByOrganization(
    organizationOf(ctx).id,
    limit,
    statuses as ProvisionerJobStatus[],
  );
  writeJson(ctx.res, 200, jobs.map(toProvisionerJob));
}

export async function getProvisionerJob(ctx: RequestContext): Promise<void> {
  writeJson(ctx.res, 200, toProvisionerJob(await jobInOrganization(ctx)));
}

export async function postProvisionerJob(ctx: RequestContext): Promise<void> {
  const req = await readJson(ctx.req, PostProvisionerJobRequest);
  const row = await ctx.api.provisionerd.postJob({
    organizationId: organizationOf(ctx).id,
    initiatorId: authOf(ctx).user.id,
    provisioner: req.provisioner,
    type: req.type,
    tags: req.tags,
    input: req.input,
  });
  writeJson(ctx.res, 201, toProvisionerJob(row));
}

export async function cancelProvisionerJob(ctx: RequestContext): Promise<void> {
  await cancelJob(ctx, await jobInOrganization(ctx));
}

/** Cancels a job (pending: at once; running: through its daemon) and writes the response. */
export async function cancelJob(ctx: RequestContext, job: ProvisionerJobWithQueueRow): Promise<void> {
  const canceled = await ctx.api.store.cancelProvisionerJob(job.id);
  if (!canceled)
    throw new PreconditionFailed(
      `Job is already ${job.job_status}; only pending or running jobs can be canceled.`,
    );
  // A pending job is finished now; followers of its logs must hear that.
  if (canceled.completed_at) await ctx.api.provisionerd.publishEndOfLogs(job.id);
  writeJson(ctx.res, 200, { message: 'Job has been marked as canceled.' });
}

/** GET /provisionerjobs/{job}/logs[?after=<id>][&follow] — JSON, or a WebSocket stream with follow. */
export async function provisionerJobLogs(ctx: RequestContext): Promise<void> {
  const job = await ctx.api.store.getProvisionerJobById(ctx.params.job ?? '');
  if (!job) throw new NotFound('Provisioner job not found.');
  await writeJobLogs(ctx, job.id);
}

/** A job's logs after `?after=`: a JSON array, or with `?follow` a WebSocket stream until the end. */
export async function writeJobLogs(ctx: RequestContext, jobId: string): Promise<void> {
  const after = afterParam(ctx);
  if (wantsFollow(ctx)) return followJobLogs(ctx, jobId, after);
  const logs = await ctx.api.store.listProvisionerJobLogsAfter(jobId, after);
  writeJson(ctx.res, 200, logs.map(toProvisionerJobLog));
}
