import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Coalescer } from './coalesce.js';

test('requests during a run coalesce into one more run; a request after the last check starts a new one', async () => {
  let runs = 0;
  let concurrent = 0;
  const c = new Coalescer(async () => {
    concurrent++;
    assert.equal(concurrent, 1, 'never two runs at once');
    runs++;
    await sleep(20);
    concurrent--;
  });
  const first = c.run();
  void c.run();
  void c.run();
  await first;
  assert.equal(runs, 2, 'one run, then one more for the two requests made meanwhile');
  await c.run();
  assert.equal(runs, 3);
  // A request made from the run's own continuation (the classic race) is not lost.
  let chained = 0;
  const d = new Coalescer(async () => {
    chained++;
    if (chained === 1) void Promise.resolve().then(() => d.run());
  });
  await d.run();
  await sleep(10);
  assert.equal(chained, 2);
});

test('a failed run rejects its callers and leaves the coalescer usable; runWithin stops waiting', async () => {
  let fail = true;
  const c = new Coalescer(async () => {
    if (fail) throw new Error('boom');
  });
  await assert.rejects(c.run(), /boom/);
  fail = false;
  await c.run();
  const slow = new Coalescer(() => sleep(5_000));
  const started = Date.now();
  await slow.runWithin(50);
  assert.ok(Date.now() - started < 1_000);
});
