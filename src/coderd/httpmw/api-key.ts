/**
 * Authenticates a request by its API key (header, cookie or query, as Coder accepts them) and runs
 * the rest of the chain as that user's actor. Keys slide their expiry while used; suspended or
 * deleted users are refused at once because their status is checked on every request.
 */
import type { IncomingMessage } from 'node:http';
import { Forbidden, Unauthenticated } from '../../sdk/errors.js';
import { SessionTokenCookie, SessionTokenHeader, SessionTokenQuery } from '../../sdk/headers.js';
import { withActor } from '../../database/authz/actor-context.js';
import { systemActors } from '../../database/authz/actors.js';
import type { UserActor } from '../../database/authz/rbac.js';
import { parseApiKey, secretMatches } from '../apikey.js';
import { checkCsrf } from './csrf.js';
import type { Authentication, Middleware, RequestContext } from '../request-context.js';
import { isUpgrade } from '../websocket.js';

const hourMs = 3_600_000;

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    let v = part.slice(i + 1).trim();
    try {
      v = decodeURIComponent(v);
    } catch {
      // Keep undecodable values as they are; they simply will not match.
    }
    if (!out.has(k)) out.set(k, v);
  }
  return out;
}

export interface SessionToken {
  token: string;
  /** A cookie is sent by browsers on their own, so cookie-authenticated writes need CSRF checks. */
  source: 'header' | 'cookie' | 'query';
}

export function extractSessionToken(req: IncomingMessage, url: URL): SessionToken | undefined {
  const header = req.headers[SessionTokenHeader.toLowerCase()];
  if (typeof header === 'string' && header) return { token: header, source: 'header' };
  const cookie = parseCookies(req.headers.cookie).get(SessionTokenCookie);
  if (cookie) return { token: cookie, source: 'cookie' };
  const query = url.searchParams.get(SessionTokenQuery);
  return query ? { token: query, source: 'query' } : undefined;
}

export function extractToken(req: IncomingMessage, url: URL): string | undefined {
  return extractSessionToken(req, url)?.token;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF protection for the dashboard's cookie (Coder uses a CSRF middleware): a browser attaches the
 * cookie to requests other sites make, SameSite=Lax included when the other site is a workspace app
 * on a subdomain of the same site. So a cookie-authenticated write or WebSocket must come from a page
 * of this deployment: its Origin names the host it was sent to (or the access URL's). Without Origin
 * and Sec-Fetch-Site the client is not a browser, and whoever holds the cookie holds the token.
 */
export function checkCookieRequestOrigin(ctx: RequestContext, upgrade: boolean): void {
  const { req } = ctx;
  if (safeMethods.has(req.method ?? 'GET') && !upgrade) return;
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      // "null" (sandboxed frames, some redirects) and garbage are foreign.
    }
    if (host !== undefined && (host === req.headers.host || host === ctx.api.accessUrl.host)) return;
  } else {
    const site = req.headers['sec-fetch-site'];
    if (site === undefined || site === 'same-origin' || site === 'none') return;
  }
  throw new Forbidden('Cross-site request refused.', {
    detail: `A request authenticated by the session cookie must come from the dashboard's origin, not ${origin ?? 'another site'}.`,
  });
}

export async function authenticate(ctx: RequestContext, token: string): Promise<Authentication> {
  const parsed = parseApiKey(token);
  if (!parsed)
    throw new Unauthenticated('Invalid session token format.', {
      detail: 'Log in again with `hangar login`.',
    });
  const { store } = ctx.api;
  // Resolving a key to its user happens before any user actor exists: the authentication actor.
  return withActor(systemActors.authentication, async () => {
    const session = await store.getAPIKeySession(parsed.id);
    const key = session?.key;
    if (!session || !key || !secretMatches(key.hashed_secret, parsed.secret)) {
      throw new Unauthenticated('Invalid or revoked session token.', {
        detail: 'Log in again with `hangar login`.',
      });
    }
    const now = Date.now();
    if (key.expires_at.getTime() <= now) {
      throw new Unauthenticated('Your session has expired.', { detail: 'Log in again with `hangar login`.' });
    }
    const user = session.user;
    if (user.status !== 'active') {
      throw new Unauthenticated(`Your account is ${user.status}. Contact an administrator to reactivate it.`);
    }
    const lifetimeMs = Number(key.lifetime_seconds) * 1000;
    // Sliding sessions as in Coder: extend when more than an hour of the lifetime was used; write
    // last_used at most hourly so busy clients do not write on every request.
    const extend = key.login_type === 'password' && key.expires_at.getTime() - now <= lifetimeMs - hourMs;
    if (extend || now - key.last_used.getTime() > hourMs) {
      const expiresAt = extend ? new Date(now + lifetimeMs) : key.expires_at;
      await store.touchAPIKey(key.id, new Date(now), expiresAt, ctx.req.socket.remoteAddress ?? null);
    }
    if (now - user.last_seen_at.getTime() > hourMs) await store.updateUserLastSeen(user.id, new Date(now));
    const orgIds = session.organization_ids;
    const actor: UserActor = {
      kind: 'user',
      id: user.id,
      username: user.username,
      roles: user.rbac_roles,
      orgIds,
      scope: key.scope,
    };
    return { apiKey: key, user, actor };
  });
}

/** Requires a valid session; runs the rest of the chain as the user's actor. */
export const requireApiKey: Middleware = async (ctx, next) => {
  const found = extractSessionToken(ctx.req, ctx.url);
  if (found?.source === 'cookie') checkCookieRequestOrigin(ctx, isUpgrade(ctx));
  if (!found) {
    throw new Unauthenticated('You must be logged in to access this resource.', {
      detail: `Send a session token in the ${SessionTokenHeader} header or log in with \`hangar login\`.`,
    });
  }
  ctx.auth = await authenticate(ctx, found.token);
  if (found.source === 'cookie') checkCsrf(ctx, ctx.auth.apiKey.id);
  ctx.logger = ctx.logger.child({ user: ctx.auth.user.username });
  await withActor(ctx.auth.actor, next);
};
