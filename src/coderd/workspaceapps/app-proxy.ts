/**
 * Proxies one request to an app inside the workspace through the agent's tunnel, wherever the
 * agent is attached (Coder's proxyWorkspaceApp): plain HTTP/1.1 over pooled agent streams, bodies
 * streamed both ways with backpressure (`pipe`), and WebSocket (any Upgrade) handshakes answered
 * with the app's 101, after which the two sockets are spliced. Headers are filtered by
 * proxy-headers.ts.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { spliceStreams } from '../../sdk/tunnel/index.js';
import type { ClientInfo } from '../httpmw/real-ip.js';
import {
  agentConnection,
  agentHttpPools,
  type AgentStreams,
  type AppRequestOptions,
} from './agent-http-pool.js';
import { headersFromApp, headersToApp } from './proxy-headers.js';

export interface ProxyRequest {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  /** The deployment's agent connections, and the agent serving the app. */
  streams: AgentStreams;
  agentId: string;
  appUrl: URL;
  /** Raw path and query for the app: the app URL's path joined with what followed the app's base. */
  path: string;
  client: ClientInfo;
  /** Headers coderd adds to the app's response (CORS for app hosts), as name/value pairs. */
  extraHeaders: [string, string][];
  /** Takes over the client's socket once the app agreed to upgrade. */
  takeSocket: () => { socket: Duplex; head: Buffer };
  /** The app could not be reached (nothing has been sent to the client yet). */
  onUnreachable: (err: Error) => void;
}

/** Go's singleJoiningSlash: `/base/` + `/x` → `/base/x`. */
export function joinAppPath(base: string, rest: string): string {
  if (base.endsWith('/') && rest.startsWith('/')) return base + rest.slice(1);
  if (!base.endsWith('/') && !rest.startsWith('/')) return `${base}/${rest}`;
  return base + rest;
}

export function proxyToApp(p: ProxyRequest): void {
  const upgrade = !!p.req.headers.upgrade && /\bupgrade\b/i.test(p.req.headers.connection ?? '');
  const secure = p.appUrl.protocol === 'https:';
  const options: AppRequestOptions = {
    agentId: p.agentId,
    method: p.req.method,
    hostname: p.appUrl.hostname.replace(/^\[|\]$/g, ''),
    port: p.appUrl.port || (secure ? 443 : 80),
    path: p.path,
    headers: headersToApp(p.req, p.client, upgrade),
    ...(upgrade
      ? { createConnection: agentConnection(p.streams, secure) }
      : { agent: secure ? agentHttpPools(p.streams).https : agentHttpPools(p.streams).http }),
  };
  const up = (secure ? https : http).request(options);
  up.on('response', (r) => {
    for (const [name, value] of pairs(headersFromApp(r.rawHeaders))) p.res.appendHeader(name, value);
    for (const [name, value] of p.extraHeaders) p.res.setHeader(name, value);
    p.res.writeHead(r.statusCode ?? 502, r.statusMessage);
    r.pipe(p.res);
    r.on('error', () => p.res.destroy());
  });
  up.on('upgrade', (r, upSocket: Duplex, upHead: Buffer) => {
    const { socket, head } = p.takeSocket();
    const lines = [`HTTP/1.1 101 ${r.statusMessage || 'Switching Protocols'}`];
    for (const [name, value] of pairs(headersFromApp(r.rawHeaders, true))) lines.push(`${name}: ${value}`);
    for (const [name, value] of p.extraHeaders) lines.push(`${name}: ${value}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (upHead.length) socket.write(upHead);
    if (head.length) upSocket.write(head);
    void spliceStreams(socket, upSocket);
  });
  up.on('error', (err) => {
    if (!p.res.headersSent && !p.res.destroyed) p.onUnreachable(err);
    else p.res.destroy();
  });
  // The visitor went away mid-response: stop the upstream request too.
  p.res.on('close', () => {
    if (!p.res.writableFinished) up.destroy();
  });
  if (upgrade) up.end();
  else p.req.pipe(up);
}

function* pairs(flat: string[]): Generator<[string, string]> {
  for (let i = 0; i < flat.length; i += 2) yield [flat[i]!, flat[i + 1]!];
}
