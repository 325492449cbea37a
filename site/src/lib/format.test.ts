import assert from 'node:assert/strict';
import { test } from 'node:test';
import { duration, relativeTime } from './format.js';

test('relative times read naturally; zero times are "never"', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  assert.equal(relativeTime('2026-01-01T11:57:00Z', now), '3 minutes ago');
  assert.equal(relativeTime('2026-01-01T14:00:00Z', now), 'in 2 hours');
  assert.equal(relativeTime('2026-01-01T11:59:55Z', now), 'just now');
  assert.equal(relativeTime('0001-01-01T00:00:00Z', now), 'never');
  assert.equal(relativeTime(undefined, now), 'never');
});

test('durations', () => {
  assert.equal(duration(1234), '1.2 s');
  assert.equal(duration(64_000), '1 m 04 s');
  assert.equal(duration(2 * 3_600_000 + 5 * 60_000), '2 h 05 m');
});
