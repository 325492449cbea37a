// Loopback TCP helpers for forwarding tests: servers on chosen or consecutive ports, an echo that
// keeps half-close, and a client that sends, half-closes and reads the whole answer.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

export const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port;

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Listens on 127.0.0.1 (`port` 0 picks one) and resolves with the port, or rejects (EADDRINUSE). */
export async function listen(server: net.Server, port = 0): Promise<number> {
  server.listen(port, '127.0.0.1');
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e))]);
  return portOf(server);
}

/** A TCP echo that keeps half-close (it ends once the client has), first writing `tag` if given. */
export function echoServer(tag = ''): net.Server {
  return net.createServer({ allowHalfOpen: true }, (c) => {
    if (tag) c.write(tag);
    c.pipe(c);
  });
}

/**
 * A server that writes to each connection as fast as the socket drains, for backpressure tests:
 * `assertHeldBack()`, called with a reader stalled, checks that what it hands to its sockets
 * stopped growing (at most 1 MiB more in a second) with less than 64 MiB in flight.
 */
export function firehoseServer(): { server: net.Server; assertHeldBack(): Promise<void> } {
  let written = 0;
  const server = net.createServer((c) => {
    const chunk = Buffer.alloc(64 * 1024, 1);
    const pump = () => {
      while (c.writable) {
        written += chunk.length;
        if (!c.write(chunk)) return void c.once('drain', pump);
      }
    };
    c.on('error', () => {});
    pump();
  });
  const assertHeldBack = async () => {
    await sleep(3000);
    const settled = written;
    await sleep(1000);
    assert.ok(written - settled <= 1024 * 1024, `still sending: ${settled} then ${written}`);
    assert.ok(settled < 64 * 1024 * 1024, `${settled} bytes in flight`);
  };
  return { server, assertHeldBack };
}

/** A port that was free a moment ago (a test binding it must cope with losing a race). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  return port;
}

/** `n` servers on consecutive ports, each made by `make(i)`. */
export async function consecutiveServers(n: number, make: (i: number) => net.Server): Promise<net.Server[]> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const servers: net.Server[] = [];
    try {
      for (let i = 0; i < n; i++) {
        const s = make(i);
        servers.push(s);
        await listen(s, base + i);
      }
      return servers;
    } catch {
      for (const s of servers) s.close();
    }
  }
}

/** The first of `n` consecutive ports that were free a moment ago. */
export async function consecutiveFreePorts(n: number): Promise<number> {
  const servers = await consecutiveServers(n, () => net.createServer());
  const base = portOf(servers[0]!);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return base;
}

/** Sends `payload`, half-closes, and resolves with everything read until the far end's EOF. */
export function exchange(port: number, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const c = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => c.end(payload));
    const chunks: Buffer[] = [];
    c.on('data', (d: Buffer) => chunks.push(d));
    c.on('end', () => {
      c.destroy();
      resolve(Buffer.concat(chunks));
    });
    c.on('error', reject);
  });
}

/** True when nothing listens on the port. */
export function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1', () => {
      c.destroy();
      resolve(false);
    });
    c.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}
