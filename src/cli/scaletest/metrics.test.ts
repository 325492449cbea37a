import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Metric, percentile } from './metrics.js';

test('nearest-rank percentiles, and failures counted with the first error kept', async () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.deepEqual(
    [50, 90, 95, 99, 100].map((p) => percentile(sorted, p)),
    [50, 90, 95, 99, 100],
  );
  assert.equal(percentile([7], 99), 7);
  assert.equal(percentile([], 50), null);
  const m = new Metric('op');
  for (const ms of [30, 10, 20]) m.add(ms);
  await assert.rejects(m.time(() => Promise.reject(new Error('first'))));
  m.fail(new Error('second'));
  assert.deepEqual(m.summary(), {
    metric: 'op',
    count: 5,
    errors: 2,
    p50_ms: 20,
    p90_ms: 30,
    p95_ms: 30,
    p99_ms: 30,
    max_ms: 30,
    first_error: 'first',
  });
});
