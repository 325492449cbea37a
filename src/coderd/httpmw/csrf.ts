/**
 * CSRF protection for cookie-authenticated writes (Coder uses nosurf; coder/coder#13922). A
 * browser sends the session cookie with any same-site request, and app hosts under the wildcard
 * domain are same-site with the dashboard, so a write authenticated by the cookie alone must also
 * carry `X-CSRF-TOKEN` with the value of the `csrf_token` cookie, which only the dashboard's own
 * scripts can read. The token is an HMAC of the session's key id, so a cookie planted by a
 * sibling subdomain does not match either. Requests authenticated by a header need nothing: a
 * page cannot make a browser add one cross-origin.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidInput } from '../../sdk/errors.js';
import { CsrfTokenCookie, CsrfTokenHeader } from '../../sdk/headers.js';
import type { RequestContext } from '../request-context.js';
import { parseCookies } from './api-key.js';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export function csrfToken(key: Buffer, apiKeyId: string): string {
  return createHmac('sha256', key).update(apiKeyId).digest('base64url');
}

/** Sets the cookie the dashboard's scripts read the token from (not HttpOnly, by design). */
export function setCsrfCookie(ctx: RequestContext, apiKeyId: string): void {
  const parts = [`${CsrfTokenCookie}=${csrfToken(ctx.api.keys.csrf, apiKeyId)}`, 'Path=/', 'SameSite=Lax'];
  if (ctx.api.values.secureAuthCookie) parts.push('Secure');
  ctx.res.appendHeader('Set-Cookie', parts.join('; '));
}

/** For a request authenticated by the session cookie: refuses a write without the right token. */
export function checkCsrf(ctx: RequestContext, apiKeyId: string): void {
  const expected = csrfToken(ctx.api.keys.csrf, apiKeyId);
  if (safeMethods.has(ctx.req.method ?? 'GET')) {
    // Keep the readable cookie in step with the session, so the next write can succeed.
    if (parseCookies(ctx.req.headers.cookie).get(CsrfTokenCookie) !== expected) setCsrfCookie(ctx, apiKeyId);
    return;
  }
  const got = ctx.req.headers[CsrfTokenHeader.toLowerCase()];
  const ok =
    typeof got === 'string' &&
    got.length === expected.length &&
    timingSafeEqual(Buffer.from(got), Buffer.from(expected));
  if (!ok)
    throw new InvalidInput('The CSRF token is missing or wrong.', {
      detail: `Requests that change something and are authenticated by the session cookie must send the ${CsrfTokenHeader} header with the value of the ${CsrfTokenCookie} cookie.`,
    });
}
