import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { corkPerTick } from './cork-per-tick.js';

/** A writable that records each batch its implementation is handed. */
function recorder() {
  const batches: string[][] = [];
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      batches.push([chunk.toString()]);
      cb();
    },
    writev(chunks, cb) {
      batches.push(chunks.map((c) => (c.chunk as Buffer).toString()));
      cb();
    },
  });
  return { w, batches };
}

test('writes of one tick reach the stream as one batch; the next tick starts a new one', async () => {
  const { w, batches } = recorder();
  corkPerTick(w);
  w.write('len');
  w.write('body');
  w.write('mac');
  assert.deepEqual(batches, [], 'nothing leaves before the tick ends');
  await nextTurn();
  w.write('next');
  await nextTurn();
  assert.deepEqual(batches, [['len', 'body', 'mac'], ['next']]);
});

test('end() in the same tick still flushes everything, and write callbacks run', async () => {
  const { w, batches } = recorder();
  corkPerTick(w);
  let called = 0;
  w.write('a', () => called++);
  w.end('b');
  await new Promise((resolve) => w.on('finish', resolve));
  assert.deepEqual(batches.flat(), ['a', 'b']);
  assert.equal(called, 1);
});
