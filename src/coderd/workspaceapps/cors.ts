/**
 * CORS on app hosts (Coder's default "simple" behaviour): a page on one of a user's apps may call
 * another app of the same user with credentials; every other origin gets no CORS grant, and the
 * apps' own CORS headers are removed (proxy-headers.ts). Users are compared by the name in the
 * host, so a host naming a workspace by id grants nothing beyond its named owner.
 */
import type { IncomingMessage } from 'node:http';
import { matchHostnamePattern, parseSubdomainApp, type HostnamePattern } from '../../sdk/app-url.js';
import type { AppRequest } from './app-request.js';

/** The CORS headers for a request from `Origin`, or none. */
export function appCors(
  req: IncomingMessage,
  request: AppRequest,
  pattern: HostnamePattern,
): [string, string][] {
  const origin = req.headers.origin;
  if (!origin) return [];
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return [];
  }
  const sub = matchHostnamePattern(pattern, host);
  const from = sub ? parseSubdomainApp(sub) : undefined;
  if (!from || from.username.toLowerCase() !== request.usernameOrId.toLowerCase()) return [];
  return [
    ['Access-Control-Allow-Origin', origin],
    ['Access-Control-Allow-Credentials', 'true'],
    ['Vary', 'Origin'],
  ];
}

export function isPreflight(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && !!req.headers['access-control-request-method'];
}

/** The answer to an allowed preflight: what was asked for. */
export function preflightHeaders(req: IncomingMessage): [string, string][] {
  const out: [string, string][] = [
    ['Access-Control-Allow-Methods', String(req.headers['access-control-request-method'])],
    ['Access-Control-Max-Age', '600'],
  ];
  const headers = req.headers['access-control-request-headers'];
  if (headers) out.push(['Access-Control-Allow-Headers', headers]);
  return out;
}
