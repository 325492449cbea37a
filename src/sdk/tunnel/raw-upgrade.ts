/**
 * The raw HTTP Upgrade client leg for the CLI and SSH ProxyCommand: an HTTP/1.1 GET with
 * `Connection: Upgrade` and `Upgrade: hangar-stream`; after `101 Switching Protocols` the socket
 * is a plain byte pipe with no framing, and TCP half-close carries end-of-stream both ways.
 * A refused stream is answered with an ordinary HTTP error and a JSON body (`{message, detail}`)
 * instead of the 101, so the client can say why.
 */
import { Buffer } from 'node:buffer';
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import type { ErrorResponse } from '../errors.js';
import type { MuxStream } from './mux-stream.js';
import { spliceStreams } from './splice.js';
import { TunnelError } from './tunnel-error.js';

export const rawUpgradeProtocol = 'hangar-stream';

/** True when an `'upgrade'` request asks for the raw stream protocol. */
export function isRawUpgrade(req: http.IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === rawUpgradeProtocol;
}

/** Server side: answers 101 and returns the socket as a byte pipe (bytes after the head kept). */
export function acceptRawUpgrade(socket: Duplex, head: Buffer): Duplex {
  const s = socket as Socket;
  s.allowHalfOpen = true;
  s.setNoDelay?.(true);
  s.setTimeout?.(0);
  s.write(
    `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${rawUpgradeProtocol}\r\n\r\n`,
  );
  if (head.length) s.unshift(head);
  return s;
}

/** Server side: refuses an upgrade with an HTTP error and a Coder-style JSON body. */
export function rejectRawUpgrade(socket: Duplex, status: number, body: ErrorResponse): void {
  const json = JSON.stringify(body);
  const text = http.STATUS_CODES[status] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
  );
}

/**
 * coderd's relay for one raw-Upgrade client: waits for the agent to dial (OPEN_OK), then answers
 * 101 and splices; if the dial fails the client gets 502 with the agent's reason. Resolves when
 * the spliced streams have closed.
 */
export async function relayRawUpgrade(
  socket: Duplex,
  head: Buffer,
  stream: MuxStream,
): Promise<Error | undefined> {
  // Bytes the client sends before the 101 stay in the socket until the splice reads them.
  socket.on('error', () => {});
  // A failed open also surfaces as the stream's 'error'; `accepted` carries it here.
  const quiet = () => {};
  stream.on('error', quiet);
  const gone = () => stream.destroy(new Error('the client went away before the stream opened'));
  socket.once('close', gone);
  try {
    await stream.accepted;
    socket.off('close', gone);
    stream.off('error', quiet);
  } catch (err) {
    rejectRawUpgrade(socket, 502, {
      message: 'The workspace agent could not open the stream.',
      detail: (err as Error).message,
    });
    return err as Error;
  }
  return spliceStreams(acceptRawUpgrade(socket, head), stream);
}

export interface DialRawUpgradeOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * Client side: performs the upgrade and resolves with the raw socket (half-open allowed,
 * TCP_NODELAY). A non-101 answer rejects with a TunnelError carrying the server's message and
 * detail, e.g. "The workspace agent could not open the stream.: connection refused on …".
 */
export function dialRawUpgrade(url: URL, opts: DialRawUpgradeOptions = {}): Promise<Socket> {
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(url, {
      method: 'GET',
      agent: false,
      headers: { ...opts.headers, Connection: 'Upgrade', Upgrade: rawUpgradeProtocol },
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    req.on('upgrade', (_res, socket: Socket, head: Buffer) => {
      socket.allowHalfOpen = true;
      socket.setNoDelay(true);
      if (head.length) socket.unshift(head);
      resolve(socket);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let body: Partial<ErrorResponse> = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ErrorResponse;
        } catch {
          // Not JSON: the status line is all there is.
        }
        const message =
          body.message ?? `The server answered ${res.statusCode} instead of upgrading the stream.`;
        const refusal = { status: res.statusCode ?? 502, body: { ...body, message } };
        reject(new TunnelError('reset', body.detail ? `${message} ${body.detail}` : message, { refusal }));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
