/** First-user setup, login and logout (Coder's users.go auth handlers). */
import {
  CreateFirstUserRequest,
  LoginWithPasswordRequest,
  type CreateFirstUserResponse,
  type LoginWithPasswordResponse,
} from '../sdk/users.js';
import { NotFound, Unauthenticated } from '../sdk/errors.js';
import { SessionTokenCookie } from '../sdk/headers.js';
import { withActor } from '../database/authz/actor-context.js';
import { systemActors } from '../database/authz/actors.js';
import { readJson } from './httpapi/read.js';
import { writeJson } from './httpapi/write.js';
import { authOf, type RequestContext } from './request-context.js';
import { verifyPassword } from './userpassword.js';
import { setCsrfCookie } from './httpmw/csrf.js';

/** GET /users/first — 404 until the first user exists, as Coder answers. */
export async function getFirstUser(ctx: RequestContext): Promise<void> {
  // Anyone may ask whether setup is done; only the count is read, as the bootstrap actor.
  const count = await withActor(systemActors.bootstrap, () => ctx.api.store.countUsers());
  if (count === 0) throw new NotFound('The initial user has not been created!');
  writeJson(ctx.res, 200, { message: 'The initial user has already been created!' });
}

/** POST /users/first */
export async function postFirstUser(ctx: RequestContext): Promise<void> {
  const req = await readJson(ctx.req, CreateFirstUserRequest);
  // Nobody is signed in before the first user exists: creating it is the bootstrap actor's job.
  const { user, organizationId } = await withActor(systemActors.bootstrap, () =>
    ctx.api.users.createFirstUser(req),
  );
  ctx.logger.info({ username: user.username }, 'first user created');
  const body: CreateFirstUserResponse = { user_id: user.id, organization_id: organizationId };
  writeJson(ctx.res, 201, body);
}

/** POST /users/login */
export async function login(ctx: RequestContext): Promise<void> {
  const req = await readJson(ctx.req, LoginWithPasswordRequest);
  // Credentials are checked before an actor exists: the authentication actor reads the user.
  const result = await withActor(systemActors.authentication, async () => {
    const user = await ctx.api.store.getUserByEmail(req.email);
    const ok = await verifyPassword(
      user?.login_type === 'password' ? user.hashed_password : '',
      req.password,
    );
    if (!user || !ok) throw new Unauthenticated('Incorrect email or password.');
    if (user.status !== 'active') {
      throw new Unauthenticated(`Your account is ${user.status}. Contact an administrator to reactivate it.`);
    }
    return ctx.api.apiKeys.createSession(user.id, ctx.req.socket.remoteAddress ?? null);
  });
  setSessionCookie(ctx, result.token, ctx.api.values.sessionDurationMs);
  setCsrfCookie(ctx, result.key.id);
  const body: LoginWithPasswordResponse = { session_token: result.token };
  writeJson(ctx.res, 201, body);
}

/** POST /users/logout — deletes this session's key and clears the cookie. */
export async function logout(ctx: RequestContext): Promise<void> {
  await ctx.api.store.deleteAPIKey(authOf(ctx).apiKey.id);
  setSessionCookie(ctx, '', 0);
  writeJson(ctx.res, 200, { message: 'Logged out!' });
}

function setSessionCookie(ctx: RequestContext, token: string, maxAgeMs: number): void {
  const parts = [
    `${SessionTokenCookie}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${Math.floor(maxAgeMs / 1000)}`,
  ];
  if (ctx.api.values.secureAuthCookie) parts.push('Secure');
  ctx.res.appendHeader('Set-Cookie', parts.join('; '));
}
