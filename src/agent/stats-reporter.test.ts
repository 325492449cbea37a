// The stats report's byte counters over real sockets: a dial-back connection's bytes (ADR 0053)
// count while it is open and stay in the total after it closes, besides the control connection's.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { test } from 'node:test';
import { ByteDeltas } from './stats-reporter.js';

test('ByteDeltas adds per-stream sockets to the control connection, before and after they close', async () => {
  const server = net.createServer((c) => c.pipe(c));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  try {
    const deltas = new ByteDeltas();
    deltas.follow(() => ({ rx: 100, tx: 50 }));
    const sock = net.connect(port, '127.0.0.1');
    await once(sock, 'connect');
    deltas.addSocket(sock);
    sock.write(Buffer.alloc(1000));
    let echoed = 0;
    while (echoed < 1000) echoed += ((await once(sock, 'data')) as [Buffer])[0].length;
    assert.deepEqual(deltas.take(), { rx: 1100, tx: 1050 });
    sock.end(Buffer.alloc(24));
    await once(sock, 'close');
    // Only what moved since the last report; the closed socket's total is kept, not counted twice.
    assert.deepEqual(deltas.take(), { rx: 24, tx: 24 });
    assert.deepEqual(deltas.take(), { rx: 0, tx: 0 });
  } finally {
    server.close();
  }
});
