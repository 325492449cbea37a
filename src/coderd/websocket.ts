/**
 * WebSocket upgrades through the normal route tree: start-server hands `upgrade` events to Coderd,
 * which runs the same middleware (authentication, path parameters) with a response bound to the raw
 * socket, so errors before the upgrade are ordinary HTTP error responses. Handlers call
 * acceptWebSocket once they have decided to serve the stream.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { InvalidInput } from '../sdk/errors.js';
import type { RequestContext } from './request-context.js';

interface PendingUpgrade {
  socket: Duplex;
  head: Buffer;
  wss: WebSocketServer;
}

const pending = new WeakMap<IncomingMessage, PendingUpgrade>();
/** One per Coderd, so closing a replica closes exactly its own streams. */
export function createWebSocketServer(): WebSocketServer {
  // Compression off as in Coder: daemon and log frames are small and latency matters more.
  return new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 4 << 20 });
}

export function markUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, wss: WebSocketServer): void {
  pending.set(req, { socket, head, wss });
}

/** Closes every accepted socket (server shutdown): peers see "going away" and reconnect elsewhere. */
export function closeWebSockets(wss: WebSocketServer): void {
  for (const ws of wss.clients) ws.close(1001, 'server shutting down');
  setTimeout(() => {
    for (const ws of wss.clients) ws.terminate();
  }, 1_000).unref();
}

export function isUpgrade(ctx: RequestContext): boolean {
  return pending.has(ctx.req);
}

/** Takes over a non-WebSocket upgrade (the tunnel's raw byte pipe): the caller owns the socket. */
export function takeUpgrade(ctx: RequestContext): { socket: Duplex; head: Buffer } {
  const up = pending.get(ctx.req);
  if (!up) throw new InvalidInput('This endpoint needs an HTTP Upgrade.');
  pending.delete(ctx.req);
  ctx.res.detachSocket(up.socket as never);
  return { socket: up.socket, head: up.head };
}

/** Completes the upgrade; throws InvalidInput (a 400) when the request was plain HTTP. */
export function acceptWebSocket(ctx: RequestContext): Promise<WebSocket> {
  const up = pending.get(ctx.req);
  if (!up) throw new InvalidInput('This endpoint needs a WebSocket upgrade.');
  pending.delete(ctx.req);
  // The upgrade writes its own status line; the response object must not write another.
  ctx.res.detachSocket(up.socket as never);
  return new Promise((resolve) => up.wss.handleUpgrade(ctx.req, up.socket, up.head, resolve));
}
