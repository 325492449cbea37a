/**
 * `/api/v2/applications/*` (Coder's applications.go): the wildcard host clients build app URLs
 * with, and the dashboard half of the cross-domain sign-in for app hosts (§8.3). An app host
 * cannot read the dashboard's cookie, so a visitor without an app session is sent to
 * `auth-redirect` on the dashboard; there, signed in, coderd mints a key that may only open apps,
 * encrypts it for one minute and sends the browser back to the app with it in the query, where
 * workspace-apps.ts turns it into a cookie on the app domain and strips it from the URL.
 */
import { InvalidInput, NotFound, Unauthenticated } from '../../sdk/errors.js';
import { matchHostnamePattern, parseSubdomainApp } from '../../sdk/app-url.js';
import { AppConnectKeyParam, AppRedirectUriParam, type AppHostResponse } from '../../sdk/workspace-apps.js';
import { withActor } from '../../database/authz/actor-context.js';
import { authenticate, extractToken } from '../httpmw/api-key.js';
import { writeJson } from '../httpapi/write.js';
import type { Authentication, RequestContext } from '../request-context.js';
import { encryptAppKey } from './app-key.js';

/** GET /applications/host */
export async function getAppHost(ctx: RequestContext): Promise<void> {
  const body: AppHostResponse = { host: ctx.api.appHostnamePattern?.pattern ?? '' };
  writeJson(ctx.res, 200, body);
}

/**
 * The redirect target must be an app host of this deployment, or this endpoint would hand
 * app keys to any site (and be an open redirect).
 */
function appRedirectTarget(ctx: RequestContext): URL {
  const pattern = ctx.api.appHostnamePattern;
  if (!pattern) throw new NotFound('Subdomain applications are not enabled on this deployment.');
  const raw = ctx.url.searchParams.get(AppRedirectUriParam) ?? '';
  let target: URL;
  try {
    target = new URL(raw);
  } catch {
    throw InvalidInput.field(AppRedirectUriParam, 'Must be an absolute URL of a workspace application.');
  }
  const sub = matchHostnamePattern(pattern, target.host);
  if (
    (target.protocol !== 'http:' && target.protocol !== 'https:') ||
    target.username ||
    target.password ||
    !sub ||
    !parseSubdomainApp(sub)
  )
    throw InvalidInput.field(
      AppRedirectUriParam,
      `Must be a workspace application URL under ${pattern.pattern}.`,
    );
  return target;
}

/** GET /applications/auth-redirect?redirect_uri=… */
export async function appAuthRedirect(ctx: RequestContext): Promise<void> {
  const target = appRedirectTarget(ctx);
  const token = extractToken(ctx.req, ctx.url);
  let auth: Authentication | undefined;
  if (token)
    auth = await authenticate(ctx, token).catch((err: unknown) => {
      if (err instanceof Unauthenticated) return undefined;
      throw err;
    });
  if (!auth) {
    // Sign in on the dashboard first; it comes back here (a same-origin relative redirect).
    const back = `${ctx.url.pathname}${ctx.url.search}`;
    ctx.res.writeHead(303, { Location: `/login?redirect=${encodeURIComponent(back)}`, 'Content-Length': 0 });
    ctx.res.end();
    return;
  }
  const user = auth.user;
  const { token: appKey } = await withActor(auth.actor, () =>
    ctx.api.apiKeys.createApplicationConnectKey(user.id, ctx.req.socket.remoteAddress ?? null),
  );
  target.searchParams.set(AppConnectKeyParam, encryptAppKey(appKey, ctx.api.keys.appKeyEncryption));
  ctx.res.writeHead(303, { Location: target.toString(), 'Cache-Control': 'no-store', 'Content-Length': 0 });
  ctx.res.end();
}
