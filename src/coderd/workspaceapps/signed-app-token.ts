/**
 * Signed app tokens (Coder's workspaceapps.SignedToken): after a request has been authorized
 * against the database, coderd sets a cookie with a short-lived HS256 token naming exactly that
 * request and what it resolved to (user, workspace, agent, app URL), so the page's following
 * requests are proxied without a database lookup. A token only serves the request it was issued
 * for; the cookie is scoped to the app's host (subdomain) or base path (path apps).
 */
import type { ServerResponse } from 'node:http';
import { SignedAppTokenCookie } from '../../sdk/workspace-apps.js';
import { sameAppRequest, type AppRequest } from './app-request.js';
import { cookieValues } from './cookies.js';
import { signJws, verifyJws, type Expiring } from './jose.js';

/** As Coder's DefaultTokenExpiry. */
export const appTokenLifetimeMs = 60_000;
/** A browser may send several cookies of one name; only so many are tried. */
const maxTokensTried = 4;

export interface SignedAppToken extends Expiring {
  request: AppRequest;
  /** '' for a visitor without a session (public apps). */
  user_id: string;
  workspace_id: string;
  agent_id: string;
  app_url: string;
}

export function issueAppToken(key: Buffer, token: Omit<SignedAppToken, 'exp'>): string {
  return signJws({ ...token, exp: Math.floor((Date.now() + appTokenLifetimeMs) / 1000) }, key);
}

/**
 * Tokens verified recently, by their text: a page's requests repeat the same cookie, and checking
 * the signature and parsing the payload again for each one is the app proxy's largest cost after
 * the proxying itself. Entries keep their expiry; the map is bounded.
 */
const verified = new Map<string, SignedAppToken>();
const maxVerified = 4096;

function verifyCached(value: string, key: Buffer): SignedAppToken | undefined {
  const hit = verified.get(value);
  if (hit) {
    if (hit.exp * 1000 > Date.now()) return hit;
    verified.delete(value);
  }
  const token = verifyJws<SignedAppToken>(value, key);
  if (!token?.request) return undefined;
  if (verified.size >= maxVerified) verified.delete(verified.keys().next().value!);
  verified.set(value, token);
  return token;
}

/** The first valid, unexpired token in the Cookie header that was issued for this very request. */
export function appTokenFor(
  key: Buffer,
  cookieHeader: string | undefined,
  request: AppRequest,
): SignedAppToken | undefined {
  for (const value of cookieValues(cookieHeader, SignedAppTokenCookie).slice(0, maxTokensTried)) {
    const token = verifyCached(value, key);
    if (token && sameAppRequest(token.request, request)) return token;
  }
  return undefined;
}

export function setAppTokenCookie(res: ServerResponse, token: string, path: string, secure: boolean): void {
  const parts = [
    `${SignedAppTokenCookie}=${token}`,
    `Path=${path}`,
    `Max-Age=${Math.floor(appTokenLifetimeMs / 1000)}`,
    'HttpOnly',
    'SameSite=Lax',
  ];
  if (secure) parts.push('Secure');
  res.appendHeader('Set-Cookie', parts.join('; '));
}
