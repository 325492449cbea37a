import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runEchoTraffic, type EchoConnection } from './echo-traffic.js';
import { Metric } from './metrics.js';

/** Echoes what is written, except that it keeps back the last `swallow` bytes of all. */
function echo(swallow = 0): EchoConnection & { closed: boolean } {
  let listener: (chunk: Buffer) => void = () => {};
  let written = 0;
  let total = 0;
  const conn = {
    closed: false,
    write(data: Buffer) {
      written += data.length;
      const give = Math.max(0, written - swallow - total);
      total += give;
      setImmediate(() => listener(data.subarray(0, give)));
    },
    onData: (fn: (chunk: Buffer) => void) => (listener = fn),
    close: () => (conn.closed = true),
  };
  return conn;
}

test('every tick is one round trip once all its bytes are back; bytes never echoed are errors', async () => {
  const rate = { bytesPerTick: 100, ticksPerSecond: 50, durationMs: 200 };
  const ok = new Metric('ok');
  const conn = echo();
  await runEchoTraffic(conn, rate, ok);
  assert.deepEqual([ok.summary().count, ok.summary().errors, ok.summary().bytes], [10, 0, 1000]);
  assert.ok(conn.closed);

  const lossy = new Metric('lossy');
  // The last 150 bytes never come back: the last two ticks fail (after the drain wait).
  await runEchoTraffic(echo(150), { ...rate, durationMs: 100 }, lossy);
  const s = lossy.summary();
  assert.deepEqual([s.count, s.errors, s.bytes], [5, 2, 350]);
  assert.match(s.first_error!, /150 bytes not echoed within 5 s/);
});
