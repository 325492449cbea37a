/** Resolves `{template}` and `{templateversion}` path parameters to rows the actor may read. */
import { NotFound } from '../../sdk/errors.js';
import { isUuid } from '../../sdk/validation.js';
import type { Middleware } from '../request-context.js';

export const templateParam: Middleware = async (ctx, next) => {
  const id = ctx.params.template ?? '';
  const template = isUuid(id) ? await ctx.api.store.getTemplateById(id) : undefined;
  if (!template || template.deleted) throw new NotFound(`Template "${id}" not found.`);
  ctx.template = template;
  await next();
};

export const templateVersionParam: Middleware = async (ctx, next) => {
  const id = ctx.params.templateversion ?? '';
  const version = isUuid(id) ? await ctx.api.store.getTemplateVersionById(id) : undefined;
  if (!version) throw new NotFound(`Template version "${id}" not found.`);
  ctx.templateVersion = version;
  await next();
};
