/** Template handlers: create, list, read, edit settings, delete, versions and promotion. */
import { NotFound } from '../sdk/errors.js';
import { CreateTemplateRequest, UpdateActiveTemplateVersion, UpdateTemplateMeta } from '../sdk/templates.js';
import type { TemplateVersionRow } from '../database/models.js';
import { readJson } from './httpapi/read.js';
import { writeJson } from './httpapi/write.js';
import { authOf, organizationOf, templateOf, type RequestContext } from './request-context.js';
import { importJobOf } from './template-versions-service.js';
import { toTemplate, toTemplateVersion } from './templates-convert.js';

export async function createTemplate(ctx: RequestContext): Promise<void> {
  const req = await readJson(ctx.req, CreateTemplateRequest);
  const template = await ctx.api.templates.create(organizationOf(ctx), authOf(ctx).user, req);
  ctx.logger.info({ template: template.name }, 'template created');
  writeJson(ctx.res, 201, toTemplate(template));
}

export async function listOrganizationTemplates(ctx: RequestContext): Promise<void> {
  writeJson(ctx.res, 200, (await ctx.api.store.listTemplates(organizationOf(ctx).id)).map(toTemplate));
}

export async function listTemplates(ctx: RequestContext): Promise<void> {
  writeJson(ctx.res, 200, (await ctx.api.store.listTemplates()).map(toTemplate));
}

export async function getTemplateByName(ctx: RequestContext): Promise<void> {
  const name = ctx.params.templatename ?? '';
  const template = await ctx.api.store.getTemplateByOrganizationAndName(organizationOf(ctx).id, name);
  if (!template) throw new NotFound(`Template "${name}" not found in this organization.`);
  writeJson(ctx.res, 200, toTemplate(template));
}

export async function getTemplate(ctx: RequestContext): Promise<void> {
  writeJson(ctx.res, 200, toTemplate(templateOf(ctx)));
}

export async function patchTemplate(ctx: RequestContext): Promise<void> {
  const req = await readJson(ctx.req, UpdateTemplateMeta);
  writeJson(ctx.res, 200, toTemplate(await ctx.api.templates.update(templateOf(ctx), req)));
}

export async function deleteTemplate(ctx: RequestContext): Promise<void> {
  await ctx.api.templates.delete(templateOf(ctx));
  writeJson(ctx.res, 200, { message: 'Template has been deleted!' });
}

async function withJobs(ctx: RequestContext, versions: TemplateVersionRow[]) {
  return Promise.all(versions.map(async (v) => toTemplateVersion(v, await importJobOf(ctx.api.store, v))));
}

export async function listTemplateVersions(ctx: RequestContext): Promise<void> {
  const versions = await ctx.api.store.listTemplateVersionsByTemplate(templateOf(ctx).id);
  writeJson(ctx.res, 200, await withJobs(ctx, versions));
}

export async function getTemplateVersionByName(ctx: RequestContext): Promise<void> {
  const name = ctx.params.templateversionname ?? '';
  const version = await ctx.api.store.getTemplateVersionByTemplateAndName(templateOf(ctx).id, name);
  if (!version) throw new NotFound(`Template version "${name}" not found.`);
  writeJson(ctx.res, 200, (await withJobs(ctx, [version]))[0]);
}

export async function promoteTemplateVersion(ctx: RequestContext): Promise<void> {
  const req = await readJson(ctx.req, UpdateActiveTemplateVersion);
  await ctx.api.templates.promote(templateOf(ctx), req.id);
  writeJson(ctx.res, 200, { message: 'Updated the active template version!' });
}
