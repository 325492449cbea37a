/**
 * The acceptor's TCP dial: a socket ready for splicing (half-open allowed, TCP_NODELAY), or an
 * error whose message is the reason the initiator's client sees, e.g.
 * "connection refused on 127.0.0.1:8080".
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { spliceStreams } from './splice.js';
import { parseTcpTarget } from './target.js';

const reasons: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EADDRNOTAVAIL: 'address not available',
};

export function dialTcp(host: string, port: number, timeoutMs = 10_000): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port, allowHalfOpen: true, noDelay: true });
    const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const timer = setTimeout(
      () => sock.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
      timeoutMs,
    );
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.removeAllListeners('error');
      resolve(sock);
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why = (err.code && reasons[err.code]) ?? err.message;
      reject(new Error(`${why} on ${where}`, { cause: err }));
    });
  });
}

/**
 * An acceptor open handler that serves `tcp:HOST:PORT` targets by dialing and splicing. The
 * agent wraps it with its own policy (which hosts and ports may be reached); tests and the
 * benchmark use it as is.
 */
export async function serveTcpTarget(target: string, stream: Duplex): Promise<void> {
  const { host, port } = parseTcpTarget(target);
  const sock = await dialTcp(host, port);
  void spliceStreams(stream, sock);
}
