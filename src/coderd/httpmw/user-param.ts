/** Resolves the `{user}` path parameter (me, a username or an id) to a user the actor may read. */
import { NotFound } from '../../sdk/errors.js';
import type { UserRow } from '../../database/models.js';
import { authOf, type Middleware, type RequestContext } from '../request-context.js';
import { uuidPattern } from '../../sdk/validation.js';

export async function resolveUser(ctx: RequestContext, ref: string): Promise<UserRow> {
  const { store } = ctx.api;
  let user: UserRow | undefined;
  if (ref === 'me') user = await store.getUserById(authOf(ctx).user.id);
  else if (uuidPattern.test(ref)) user = await store.getUserById(ref);
  else user = await store.getUserByUsername(ref);
  if (!user) throw new NotFound(`User "${ref}" not found.`);
  return user;
}

export const userParam: Middleware = async (ctx, next) => {
  ctx.user = await resolveUser(ctx, ctx.params.user ?? 'me');
  await next();
};
