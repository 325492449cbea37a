import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { startTunnel } from '../../../test/support/tunnel.js';
import { TunnelError, WebSocketLeg, dialRawUpgrade, tcpTarget } from './index.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A target that reads to EOF, then replies with the SHA-256 of what it got followed by `reply`. */
async function halfCloseTarget(reply: Buffer): Promise<{ port: number; close(): void }> {
  const conns = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    conns.add(s);
    s.on('close', () => conns.delete(s));
    const h = createHash('sha256');
    s.on('data', (c: Buffer) => h.update(c));
    s.on('end', () => s.end(Buffer.concat([h.digest(), reply])));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      server.close();
      for (const s of conns) s.destroy();
    },
  };
}

function readAll(s: Duplex): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => resolve(Buffer.concat(chunks)));
    s.on('error', reject);
  });
}

test('raw Upgrade leg: client → relay → agent → TCP target with half-close both ways', async () => {
  const reply = randomBytes(2 * 1024 * 1024);
  const target = await halfCloseTarget(reply);
  await using t = await startTunnel();
  const url = new URL(`/stream?target=${encodeURIComponent(tcpTarget('127.0.0.1', target.port))}`, t.baseUrl);
  const sock = await dialRawUpgrade(url);
  const request = randomBytes(3 * 1024 * 1024 + 17);
  const got = readAll(sock);
  const closed = once(sock, 'close');
  sock.end(request);
  const all = await got;
  assert.equal(all.subarray(0, 32).toString('hex'), sha(request));
  assert.equal(sha(all.subarray(32)), sha(reply));
  await closed;
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(t.relay.streamCount, 0);
  assert.equal(t.agent.streamCount, 0);
  target.close();
});

test('raw Upgrade leg: a refused dial is a 502 whose reason reaches the client', async () => {
  const closed = await halfCloseTarget(Buffer.alloc(0));
  closed.close();
  await using t = await startTunnel();
  const url = new URL(`/stream?target=${encodeURIComponent(tcpTarget('127.0.0.1', closed.port))}`, t.baseUrl);
  await assert.rejects(dialRawUpgrade(url), (e: unknown) => {
    assert.ok(e instanceof TunnelError);
    assert.match(e.message, new RegExp(`connection refused on 127\\.0\\.0\\.1:${closed.port}`));
    return true;
  });
});

test('WebSocket leg: in-band eof keeps half-close, and a refused dial closes with its reason', async () => {
  const reply = randomBytes(512 * 1024);
  const target = await halfCloseTarget(reply);
  await using t = await startTunnel();
  const wsUrl = (port: number) =>
    `${t.baseUrl.replace('http', 'ws')}/stream?target=${encodeURIComponent(tcpTarget('127.0.0.1', port))}`;
  const ws = new WebSocket(wsUrl(target.port), { perMessageDeflate: false });
  await once(ws, 'open');
  const leg = new WebSocketLeg(ws);
  const got = readAll(leg);
  const request = randomBytes(100_000);
  leg.end(request);
  const all = await got;
  assert.equal(all.subarray(0, 32).toString('hex'), sha(request));
  assert.equal(sha(all.subarray(32)), sha(reply));
  target.close();

  const ws2 = new WebSocket(wsUrl(target.port), { perMessageDeflate: false });
  await once(ws2, 'open');
  const leg2 = new WebSocketLeg(ws2);
  const [err] = (await once(leg2, 'error')) as [TunnelError];
  assert.equal(err.kind, 'reset');
  assert.match(err.message, /connection refused/);
});
