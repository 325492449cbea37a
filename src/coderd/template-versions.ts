/**
 * Template version handlers: create (with its import job), read, rename, cancel, what the import
 * found (parameters, variables, resources, logs) and dry-runs.
 */
import { NotFound } from '../sdk/errors.js';
import {
  CreateTemplateVersionDryRunRequest,
  CreateTemplateVersionRequest,
  PatchTemplateVersionRequest,
} from '../sdk/templates.js';
import type { ProvisionerJobWithQueueRow } from '../database/models.js';
import { readJson } from './httpapi/read.js';
import { isUuid } from '../sdk/validation.js';
import { writeJson } from './httpapi/write.js';
import { jobResources } from './provisioned-resources.js';
import { toProvisionerJob } from './provisioner-convert.js';
import { cancelJob, writeJobLogs } from './provisioner-jobs.js';
import { TemplateDryRunInput } from './provisionerdserver/template-dry-run-job.js';
import { authOf, organizationOf, templateVersionOf, type RequestContext } from './request-context.js';
import { importJobOf } from './template-versions-service.js';
import {
  toTemplateVersion,
  toTemplateVersionParameter,
  toTemplateVersionVariable,
} from './templates-convert.js';

async function writeVersion(ctx: RequestContext, status: number): Promise<void> {
  const version = templateVersionOf(ctx);
  writeJson(ctx.res, status, toTemplateVersion(version, await importJobOf(ctx.api.store, version)));
}

export async function createTemplateVersion(ctx: RequestContext): Promise<void> {
  const req = await readJson(ctx.req, CreateTemplateVersionRequest);
  const { version } = await ctx.api.templateVersions.create(organizationOf(ctx), authOf(ctx).user, req);
  ctx.templateVersion = version;
  await writeVersion(ctx, 201);
}

export const getTemplateVersion = (ctx: RequestContext) => writeVersion(ctx, 200);

export async function patchTemplateVersion(ctx: RequestContext): Promise<void> {
  const req = await readJson(ctx.req, PatchTemplateVersionRequest);
  const version = templateVersionOf(ctx);
  ctx.templateVersion = (await ctx.api.store.updateTemplateVersion(version.id, {
    name: req.name ?? version.name,
    message: req.message ?? version.message,
  }))!;
  await writeVersion(ctx, 200);
}

export async function cancelTemplateVersion(ctx: RequestContext): Promise<void> {
  await cancelJob(ctx, await importJobOf(ctx.api.store, templateVersionOf(ctx)));
}

export async function templateVersionParameters(ctx: RequestContext): Promise<void> {
  const rows = await ctx.api.store.listTemplateVersionParameters(templateVersionOf(ctx).id);
  writeJson(ctx.res, 200, rows.map(toTemplateVersionParameter));
}

export async function templateVersionVariables(ctx: RequestContext): Promise<void> {
  const rows = await ctx.api.store.listTemplateVersionVariables(templateVersionOf(ctx).id);
  writeJson(ctx.res, 200, rows.map(toTemplateVersionVariable));
}

async function writeResources(ctx: RequestContext, jobId: string): Promise<void> {
  writeJson(ctx.res, 200, (await jobResources(ctx.api.store, [jobId])).get(jobId) ?? []);
}

export const templateVersionResources = (ctx: RequestContext) =>
  writeResources(ctx, templateVersionOf(ctx).job_id);

export const templateVersionLogs = (ctx: RequestContext) => writeJobLogs(ctx, templateVersionOf(ctx).job_id);

export async function createDryRun(ctx: RequestContext): Promise<void> {
  const req = await readJson(ctx.req, CreateTemplateVersionDryRunRequest);
  const job = await ctx.api.templateVersions.createDryRun(templateVersionOf(ctx), authOf(ctx).user, req);
  writeJson(ctx.res, 201, toProvisionerJob((await ctx.api.store.getProvisionerJobById(job.id))!));
}

/** The `{jobID}` dry-run of this version, started by the caller (Coder hides others' dry-runs). */
async function dryRunJob(ctx: RequestContext): Promise<ProvisionerJobWithQueueRow> {
  const id = ctx.params.jobID ?? '';
  const job = isUuid(id) ? await ctx.api.store.getProvisionerJobById(id) : undefined;
  const input = TemplateDryRunInput.safeParse(job?.input);
  if (
    !job ||
    job.type !== 'template_version_dry_run' ||
    job.initiator_id !== authOf(ctx).user.id ||
    !input.success ||
    input.data.template_version_id !== templateVersionOf(ctx).id
  )
    throw new NotFound('Dry-run not found for this template version.');
  return job;
}

export async function getDryRun(ctx: RequestContext): Promise<void> {
  writeJson(ctx.res, 200, toProvisionerJob(await dryRunJob(ctx)));
}

export async function dryRunResources(ctx: RequestContext): Promise<void> {
  await writeResources(ctx, (await dryRunJob(ctx)).id);
}

export async function dryRunLogs(ctx: RequestContext): Promise<void> {
  await writeJobLogs(ctx, (await dryRunJob(ctx)).id);
}

export async function cancelDryRun(ctx: RequestContext): Promise<void> {
  await cancelJob(ctx, await dryRunJob(ctx));
}
