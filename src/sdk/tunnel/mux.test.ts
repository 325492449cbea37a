import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { test } from 'node:test';
import { startTunnel } from '../../../test/support/tunnel.js';
import { TunnelError, serveTcpTarget, tcpTarget } from './index.js';
import type { MuxStream } from './index.js';

const MiB = 1024 * 1024;

/** A TCP target; close() also destroys its connections (half-open ones would outlive the test). */
async function listen(onConn: (s: net.Socket) => void): Promise<{ port: number; close(): void }> {
  const conns = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (s) => {
    conns.add(s);
    s.on('close', () => conns.delete(s));
    s.on('error', () => {});
    onConn(s);
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

function hashUntilEnd(s: Duplex): Promise<{ hash: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  return new Promise((resolve, reject) => {
    s.on('data', (c: Buffer) => {
      h.update(c);
      bytes += c.length;
    });
    s.on('end', () => resolve({ hash: h.digest('hex'), bytes }));
    s.on('error', reject);
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function errorOf(s: Duplex): Promise<Error> {
  return new Promise((resolve) => s.once('error', resolve));
}

test('64 MiB each way arrive byte-exact, concurrently', async () => {
  const up = randomBytes(64 * MiB);
  const down = randomBytes(64 * MiB);
  let targetGot: Promise<{ hash: string; bytes: number }> | undefined;
  const target = await listen((s) => {
    targetGot = hashUntilEnd(s);
    s.end(down);
  });
  await using t = await startTunnel();
  const stream = t.relay.open(tcpTarget('127.0.0.1', target.port));
  const got = hashUntilEnd(stream);
  stream.end(up);
  const d = await got;
  assert.equal(d.bytes, down.length);
  assert.equal(d.hash, sha(down));
  const u = await targetGot!;
  assert.equal(u.bytes, up.length);
  assert.equal(u.hash, sha(up));
  target.close();
});

test('half-close: the target answers only after the client FIN, and the reply still arrives', async () => {
  const reply = randomBytes(MiB);
  const target = await listen((s) => {
    let n = 0;
    s.on('data', (c: Buffer) => (n += c.length));
    s.on('end', () => s.end(n === 64 * 1024 ? reply : Buffer.from('wrong length')));
  });
  await using t = await startTunnel();
  const stream = t.relay.open(tcpTarget('127.0.0.1', target.port));
  const got = hashUntilEnd(stream);
  const closed = once(stream, 'close');
  stream.end(randomBytes(64 * 1024));
  assert.equal((await got).hash, sha(reply));
  await closed;
  assert.equal(t.relay.streamCount, 0);
  target.close();
});

test('a stalled reader holds memory bounded and a second stream on the same mux still runs', async () => {
  const slice = randomBytes(MiB);
  const offered = 256 * MiB;
  let written = 0;
  const target = await listen((s) => {
    s.once('data', (req: Buffer) => {
      const total = req.readUInt32BE(0);
      const pump = () => {
        while (written < total) {
          const ok = s.write(slice);
          written += slice.length;
          if (!ok) return void s.once('drain', pump);
        }
        s.end();
      };
      if (total === offered) pump();
      else s.end(Buffer.alloc(total, 7));
    });
  });
  await using t = await startTunnel();
  global.gc?.();
  const before = process.memoryUsage();
  const stalled = t.relay.open(tcpTarget('127.0.0.1', target.port));
  stalled.on('error', () => {});
  const req = Buffer.alloc(4);
  req.writeUInt32BE(offered);
  stalled.write(req);
  await once(stalled, 'readable');
  stalled.pause();
  await new Promise((r) => setTimeout(r, 1500));

  const second = t.relay.open(tcpTarget('127.0.0.1', target.port));
  const req2 = Buffer.alloc(4);
  req2.writeUInt32BE(32 * MiB);
  const got = hashUntilEnd(second);
  second.write(req2);
  const started = Date.now();
  const r = await got;
  assert.equal(r.bytes, 32 * MiB);
  assert.ok(Date.now() - started < 10_000, 'the second stream was not blocked by the stalled one');

  await new Promise((r) => setTimeout(r, 500));
  const after = process.memoryUsage();
  const grew = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
  // The target could write only what kernel buffers and one window hold, not the 256 MiB.
  assert.ok(written < 32 * MiB, `the target wrote ${written} bytes into a stalled stream`);
  assert.ok(stalled.readableLength <= 256 * 1024, `relay buffered ${stalled.readableLength} bytes`);
  assert.ok(grew < 64 * MiB, `memory grew by ${(grew / MiB).toFixed(1)} MiB`);
  stalled.destroy();
  target.close();
});

test('a failed dial reaches the opener as a reset with the reason', async () => {
  const closed = await listen(() => {});
  closed.close();
  await using t = await startTunnel();
  const stream = t.relay.open(tcpTarget('127.0.0.1', closed.port));
  const err = errorOf(stream);
  await assert.rejects(stream.accepted, (e: unknown) => {
    assert.ok(e instanceof TunnelError);
    assert.equal(e.kind, 'reset');
    assert.equal(e.message, `connection refused on 127.0.0.1:${closed.port}`);
    return true;
  });
  assert.match((await err).message, /connection refused/);
  // An unknown scheme is refused by the agent with a reason too.
  const bad = t.relay.open('pty?width=80');
  bad.on('error', () => {});
  await assert.rejects(bad.accepted, /"pty" is not a tcp target/);
});

test('1,000 concurrent idle streams open, stay open and close', async () => {
  const target = await listen((s) => s.write('SSH-2.0-banner\r\n'));
  try {
    await using t = await startTunnel();
    const streams: MuxStream[] = [];
    for (let i = 0; i < 1000; i++) streams.push(t.relay.open(tcpTarget('127.0.0.1', target.port)));
    await Promise.all(streams.map((s) => once(s, 'data')));
    assert.equal(t.relay.streamCount, 1000);
    assert.equal(t.agent.streamCount, 1000);
    for (const s of streams) s.end();
    await Promise.all(streams.map((s) => once(s, 'finish')));
    // The targets see EOF but keep their side open; destroying resets the rest. The agent learns
    // of each reset from a frame, so its count falls shortly after (longer on a loaded machine).
    for (const s of streams) s.destroy();
    assert.equal(t.relay.streamCount, 0);
    const deadline = Date.now() + 10_000;
    while (t.agent.streamCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(t.agent.streamCount, 0);
  } finally {
    target.close();
  }
});

test('the stream limit refuses extra streams without harming the mux', async () => {
  const target = await listen(() => {});
  await using t = await startTunnel({ maxStreams: 2 });
  const a = t.relay.open(tcpTarget('127.0.0.1', target.port));
  const b = t.relay.open(tcpTarget('127.0.0.1', target.port));
  assert.throws(() => t.relay.open(tcpTarget('127.0.0.1', target.port)), /Too many tunnel streams/);
  await Promise.all([a.accepted, b.accepted]);
  a.destroy();
  b.destroy();
  target.close();
});

test('a dropped WebSocket destroys streams on both ends with an error', async () => {
  const target = await listen((s) => {
    const chunk = Buffer.alloc(MiB);
    const pump = () => {
      while (s.write(chunk));
      s.once('drain', pump);
    };
    pump();
  });
  await using t = await startTunnel();
  let agentSide: Promise<Error> | undefined;
  t.agent.onOpen((target, stream) => {
    agentSide = errorOf(stream);
    return serveTcpTarget(target, stream);
  });
  const stream = t.relay.open(tcpTarget('127.0.0.1', target.port));
  const relayErr = errorOf(stream);
  let n = 0;
  await new Promise<void>((resolve) =>
    stream.on('data', (c: Buffer) => {
      n += c.length;
      if (n > 4 * MiB) resolve();
    }),
  );
  t.agentWs.terminate();
  const e1 = await relayErr;
  assert.ok(e1 instanceof TunnelError && e1.kind === 'closed', String(e1));
  const e2 = await agentSide!;
  assert.ok(e2 instanceof TunnelError && e2.kind === 'closed', String(e2));
  assert.equal(t.relay.streamCount, 0);
  assert.equal(t.agent.streamCount, 0);
  assert.throws(() => t.relay.open('ssh'), TunnelError);
  target.close();
});

for (const [name, frame] of [
  ['a short frame', Buffer.from([3, 0, 0])],
  ['an unknown type', Buffer.from([99, 0, 0, 0, 1])],
  ['DATA for a stream never opened', Buffer.from([3, 0, 0, 0, 9, 1, 2, 3])],
  ['OPEN with this side’s parity', Buffer.concat([Buffer.from([1, 0, 0, 0, 3]), Buffer.from('ssh')])],
  ['a text message', 'hello'],
] as const) {
  test(`malformed input (${name}) closes the mux with a protocol error, not the process`, async () => {
    const target = await listen(() => {});
    await using t = await startTunnel();
    const open = t.relay.open(tcpTarget('127.0.0.1', target.port));
    await open.accepted;
    const err = errorOf(open);
    const closed = new Promise<TunnelError | undefined>((r) => t.relay.onClose(r));
    t.agentWs.send(frame);
    const e = await closed;
    assert.equal(e?.kind, 'protocol');
    assert.equal(((await err) as TunnelError).kind, 'protocol');
    const [code] = (await once(t.agentWs, 'close')) as [number];
    assert.equal(code, 1002);
    target.close();
  });
}

test('DATA beyond the granted window is a protocol error', async () => {
  const target = await listen(() => {});
  await using t = await startTunnel();
  const s = t.relay.open(tcpTarget('127.0.0.1', target.port));
  s.on('error', () => {});
  await s.accepted;
  const closed = new Promise<TunnelError | undefined>((r) => t.relay.onClose(r));
  // Stream 1 is the relay's; 400 KiB of DATA without waiting for credit overruns 256 KiB.
  const big = Buffer.alloc(5 + 200 * 1024);
  big[0] = 3;
  big.writeUInt32BE(1, 1);
  t.agentWs.send(big);
  t.agentWs.send(big);
  assert.match((await closed)?.message ?? '', /overran its flow-control window/);
  target.close();
});

test('close() resets every stream on both sides', async () => {
  const target = await listen(() => {});
  await using t = await startTunnel();
  const s = t.relay.open(tcpTarget('127.0.0.1', target.port));
  await s.accepted;
  const err = errorOf(s);
  t.relay.close('coderd is shutting down');
  assert.match((await err).message, /coderd is shutting down/);
  const agentClosed = await new Promise<TunnelError | undefined>((r) => t.agent.onClose(r));
  assert.equal(agentClosed?.kind, 'closed');
  target.close();
});

test('a paused-mode reader (for await) keeps the window open: more than a window flows', async () => {
  await using t = await startTunnel();
  const received = new Promise<number>((resolve) =>
    t.agent.onOpen((_target, stream) => {
      void (async () => {
        let n = 0;
        for await (const chunk of stream as AsyncIterable<Buffer>) n += chunk.length;
        resolve(n);
      })();
    }),
  );
  const stream = t.relay.open('test:paused');
  stream.on('error', () => {});
  stream.end(randomBytes(4 * MiB));
  assert.equal(await received, 4 * MiB);
});
