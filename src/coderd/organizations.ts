/** Organization handlers. Hangar has one default organization, created on first start. */
import { toOrganization, toOrganizationMemberWithUser } from './convert.js';
import { writeJson } from './httpapi/write.js';
import { organizationOf, userOf, type RequestContext } from './request-context.js';

export async function listOrganizations(ctx: RequestContext): Promise<void> {
  writeJson(ctx.res, 200, (await ctx.api.store.listOrganizations()).map(toOrganization));
}

export async function getOrganization(ctx: RequestContext): Promise<void> {
  writeJson(ctx.res, 200, toOrganization(organizationOf(ctx)));
}

export async function listOrganizationMembers(ctx: RequestContext): Promise<void> {
  const members = await ctx.api.store.listOrganizationMembers(organizationOf(ctx).id);
  writeJson(ctx.res, 200, members.map(toOrganizationMemberWithUser));
}

export async function listUserOrganizations(ctx: RequestContext): Promise<void> {
  writeJson(ctx.res, 200, (await ctx.api.store.listOrganizationsByUser(userOf(ctx).id)).map(toOrganization));
}
