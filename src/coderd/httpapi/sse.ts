/**
 * Server-Sent Events as Coder writes them (httpapi.ServerSentEventSender): `event: data` or
 * `event: error` with one JSON `data:` line, and `event: ping` every 15 s so proxies keep the
 * connection open. `closed` resolves when the client goes away.
 */
import type { RequestContext } from '../request-context.js';

export const ssePingMs = 15_000;

export interface EventStream {
  send(event: 'data' | 'error' | 'ping', data?: unknown): void;
  readonly closed: Promise<void>;
}

export function startEventStream(ctx: RequestContext): EventStream {
  const { res } = ctx;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  const send: EventStream['send'] = (event, data) => {
    if (res.writableEnded || res.destroyed) return;
    res.write(`event: ${event}\n${data === undefined ? '' : `data: ${JSON.stringify(data)}\n`}\n`);
  };
  const ping = setInterval(() => send('ping'), ssePingMs);
  const closed = new Promise<void>((resolve) => {
    ctx.req.socket.once('close', resolve);
    res.once('close', resolve);
  }).then(() => clearInterval(ping));
  return { send, closed };
}
