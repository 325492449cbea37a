/** Resolves the `{organization}` path parameter (a name or an id) to an organization the actor may read. */
import { NotFound } from '../../sdk/errors.js';
import type { Middleware } from '../request-context.js';
import { uuidPattern } from '../../sdk/validation.js';

export const organizationParam: Middleware = async (ctx, next) => {
  const ref = ctx.params.organization ?? '';
  const { store } = ctx.api;
  const org = uuidPattern.test(ref)
    ? await store.getOrganizationById(ref)
    : await store.getOrganizationByName(ref);
  if (!org) throw new NotFound(`Organization "${ref}" not found.`);
  ctx.organization = org;
  await next();
};
