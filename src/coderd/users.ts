/** User handlers: list, create, read, status, delete, password, roles. */
import { z } from 'zod';
import {
  CreateUserRequest,
  UpdateRolesRequest,
  UpdateUserPasswordRequest,
  type AssignableRole,
  type GetUsersResponse,
  type UserStatus,
} from '../sdk/users.js';
import { InvalidInput } from '../sdk/errors.js';
import { canAssignRole, roles } from '../database/authz/rbac.js';
import type { UserRow } from '../database/models.js';
import { toUser } from './convert.js';
import { parseWith, readJson } from './httpapi/read.js';
import { writeJson } from './httpapi/write.js';
import { authOf, userOf, type RequestContext } from './request-context.js';

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  q: z.string().max(512).default(''),
});

/** Parses Coder's search syntax: `status:active alice` → filters plus free text. */
export function parseUserSearch(q: string): { search?: string; status?: UserStatus } {
  const out: { search?: string; status?: UserStatus } = {};
  const words: string[] = [];
  for (const term of q.split(/\s+/).filter(Boolean)) {
    const [k, v] = term.includes(':')
      ? [term.slice(0, term.indexOf(':')), term.slice(term.indexOf(':') + 1)]
      : ['', term];
    if (k === 'status') {
      if (!['active', 'suspended', 'dormant'].includes(v))
        throw InvalidInput.field('q', `Unknown status "${v}".`);
      out.status = v as UserStatus;
    } else if (k === '') words.push(v);
    else throw InvalidInput.field('q', `Unknown search filter "${k}".`);
  }
  if (words.length) out.search = words.join(' ');
  return out;
}

async function withOrgs(ctx: RequestContext, users: UserRow[]) {
  const orgs = await ctx.api.store.listOrganizationIdsByUsers(users.map((u) => u.id));
  return users.map((u) => toUser(u, orgs.get(u.id) ?? []));
}

export async function listUsers(ctx: RequestContext): Promise<void> {
  const query = parseWith(listQuery, Object.fromEntries(ctx.url.searchParams), 'query');
  const { users, count } = await ctx.api.store.listUsers({
    ...parseUserSearch(query.q),
    limit: query.limit,
    offset: query.offset,
  });
  const body: GetUsersResponse = { users: await withOrgs(ctx, users), count };
  writeJson(ctx.res, 200, body);
}

export async function createUser(ctx: RequestContext): Promise<void> {
  const req = await readJson(ctx.req, CreateUserRequest);
  const user = await ctx.api.users.createUser(req);
  ctx.logger.info({ created: user.username }, 'user created');
  writeJson(ctx.res, 201, (await withOrgs(ctx, [user]))[0]);
}

export async function getUser(ctx: RequestContext): Promise<void> {
  writeJson(ctx.res, 200, (await withOrgs(ctx, [userOf(ctx)]))[0]);
}

export async function deleteUser(ctx: RequestContext): Promise<void> {
  await ctx.api.users.delete(userOf(ctx));
  writeJson(ctx.res, 200, { message: 'User has been deleted!' });
}

export function putUserStatus(status: 'active' | 'suspended') {
  return async (ctx: RequestContext): Promise<void> => {
    const user = await ctx.api.users.setStatus(userOf(ctx), status);
    writeJson(ctx.res, 200, (await withOrgs(ctx, [user]))[0]);
  };
}

export async function putUserPassword(ctx: RequestContext): Promise<void> {
  const req = await readJson(ctx.req, UpdateUserPasswordRequest);
  await ctx.api.users.changePassword(userOf(ctx), req);
  writeJson(ctx.res, 204, undefined);
}

export async function getUserRoles(ctx: RequestContext): Promise<void> {
  const user = userOf(ctx);
  writeJson(ctx.res, 200, { roles: user.rbac_roles, organization_roles: {} });
}

export async function putUserRoles(ctx: RequestContext): Promise<void> {
  const req = await readJson(ctx.req, UpdateRolesRequest);
  const user = await ctx.api.users.updateRoles(userOf(ctx), req.roles);
  writeJson(ctx.res, 200, (await withOrgs(ctx, [user]))[0]);
}

/** GET /users/roles — the site roles and whether the caller may assign each. */
export async function assignableRoles(ctx: RequestContext): Promise<void> {
  const actor = authOf(ctx).actor;
  const body: AssignableRole[] = Object.entries(roles).map(([name, r]) => ({
    name,
    display_name: r.displayName,
    assignable: name !== 'member' && canAssignRole(actor, name),
    built_in: true,
  }));
  writeJson(ctx.res, 200, body);
}
