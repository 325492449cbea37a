// A tiny TCP load balancer for replica tests, playing the one in front of a production deployment:
// each new connection goes to the first backend (in the given order) that accepts it, so once a
// backend dies, new connections reach the next one. Bytes pass through untouched, half-close kept.
import { once } from 'node:events';
import net from 'node:net';

export interface TcpBalancer {
  url: string;
  port: number;
  /** How many connections went to each backend port. */
  counts: Map<number, number>;
  /**
   * Stops carrying bytes on every connection open now, without closing any: what a backend host
   * that lost power or a network partition looks like from both ends. New connections still pass.
   */
  freeze(): void;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

function connectTo(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const upstream = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true, noDelay: true });
    upstream.once('connect', () => {
      upstream.off('error', reject);
      resolve(upstream);
    });
    upstream.once('error', reject);
  });
}

export async function startTcpBalancer(backendPorts: number[]): Promise<TcpBalancer> {
  const open = new Set<net.Socket>();
  const pairs = new Set<() => void>();
  const counts = new Map<number, number>();
  const track = (s: net.Socket) => {
    open.add(s);
    s.once('close', () => open.delete(s));
  };
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => {
    track(client);
    client.on('error', () => {});
    void (async () => {
      for (const port of backendPorts) {
        const upstream = await connectTo(port).catch(() => undefined);
        if (!upstream) continue;
        track(upstream);
        counts.set(port, (counts.get(port) ?? 0) + 1);
        // A frozen pair passes nothing on, not even a close: the far end just goes quiet.
        let frozen = false;
        const pass = (to: net.Socket) => () => frozen || to.destroy();
        upstream.on('error', pass(client));
        client.on('error', pass(upstream));
        // A backend that dies takes its connections with it, as a real balancer's would.
        upstream.once('close', pass(client));
        client.once('close', pass(upstream));
        client.pipe(upstream);
        upstream.pipe(client);
        const freezePair = () => {
          frozen = true;
          client.unpipe(upstream);
          upstream.unpipe(client);
          client.pause();
          upstream.pause();
        };
        pairs.add(freezePair);
        client.once('close', () => pairs.delete(freezePair));
        client.resume();
        return;
      }
      client.destroy();
    })();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  const close = async () => {
    for (const s of open) s.destroy();
    await new Promise((r) => server.close(r));
  };
  const freeze = () => {
    for (const freezePair of pairs) freezePair();
    pairs.clear();
  };
  return { url: `http://127.0.0.1:${port}`, port, counts, freeze, close, [Symbol.asyncDispose]: close };
}

/** A port nothing listens on right now (for servers that must know their address before starting). */
export async function freePort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}
