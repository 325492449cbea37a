/**
 * Headers across the app proxy (Coder's proxyWorkspaceApp), both ways:
 *
 * - to the app: hop-by-hop headers dropped; forwarding headers replaced with what coderd knows
 *   (X-Forwarded-For/Host/Proto from real-ip.ts, so a client cannot forge them); Hangar's cookies
 *   and the session header removed, so no Hangar credential reaches an app; everything else,
 *   `Authorization` included, passed with its original spelling (some apps care about
 *   `Sec-WebSocket-Key`'s case);
 * - from the app: hop-by-hop headers dropped, the app's CORS headers removed (coderd decides CORS
 *   for app hosts) and `Vary` values about CORS filtered, and Set-Cookie lines that would set a
 *   Hangar cookie dropped.
 */
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { SessionTokenHeader } from '../../sdk/headers.js';
import { forwardingHeaders, type ClientInfo } from '../httpmw/real-ip.js';
import { setsHangarCookie, stripHangarCookies } from './cookies.js';

const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
const dropToApp = new Set([...forwardingHeaders, SessionTokenHeader.toLowerCase(), 'host', 'cookie']);
const corsVary = new Set(['origin', 'access-control-request-method', 'access-control-request-headers']);

/** The request headers for the app. `upgrade` keeps the WebSocket handshake's Upgrade/Connection. */
export function headersToApp(
  req: IncomingMessage,
  client: ClientInfo,
  upgrade: boolean,
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (hopByHop.has(lower) || dropToApp.has(lower)) continue;
    const prev = out[name];
    out[name] =
      prev === undefined ? raw[i + 1]! : [...(Array.isArray(prev) ? prev : [String(prev)]), raw[i + 1]!];
  }
  // The app sees the host the visitor addressed, as with Coder's reverse proxy.
  out.Host = req.headers.host ?? client.host;
  const cookie = req.headers.cookie && stripHangarCookies(req.headers.cookie);
  if (cookie) out.Cookie = cookie;
  out['X-Forwarded-For'] = client.forwardedFor;
  out['X-Forwarded-Host'] = client.host;
  out['X-Forwarded-Proto'] = client.proto;
  if (upgrade) {
    out.Connection = 'Upgrade';
    out.Upgrade = req.headers.upgrade ?? 'websocket';
  }
  return out;
}

/** The app's response headers as a flat raw list for writeHead, filtered as described above. */
export function headersFromApp(rawHeaders: string[], upgrade = false): string[] {
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    const lower = name.toLowerCase();
    if (!(upgrade && (lower === 'connection' || lower === 'upgrade')) && hopByHop.has(lower)) continue;
    if (lower.startsWith('access-control-')) continue;
    if (lower === 'set-cookie' && setsHangarCookie(value)) continue;
    if (lower === 'vary') {
      const kept = value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v && !corsVary.has(v.toLowerCase()));
      if (kept.length) out.push(name, kept.join(', '));
      continue;
    }
    out.push(name, value);
  }
  return out;
}
