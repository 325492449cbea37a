/**
 * Cross-site WebSocket hijacking guard: a browser sends cookies with a WebSocket handshake from
 * any page, so endpoints that act with the user's cookie accept an `Origin` only when it is the
 * dashboard's own (the access URL, or the host the request was addressed to). Clients that are
 * not browsers send no Origin and are let through; they authenticate with a header.
 */
import { Forbidden } from '../sdk/errors.js';
import type { RequestContext } from './request-context.js';

export function isSameOrigin(ctx: RequestContext, origin: string): boolean {
  let host: string;
  try {
    host = new URL(origin).host.toLowerCase();
  } catch {
    return false;
  }
  return host === ctx.api.accessUrl.host.toLowerCase() || host === (ctx.req.headers.host ?? '').toLowerCase();
}

export function requireSameOrigin(ctx: RequestContext): void {
  const origin = ctx.req.headers.origin;
  if (origin === undefined || isSameOrigin(ctx, origin)) return;
  throw new Forbidden(`Requests from origin "${origin}" are not allowed.`, {
    detail: `Open the page from ${ctx.api.accessUrl.origin}.`,
  });
}
