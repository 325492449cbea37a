import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nopLogger } from '../../sdk/logger.js';
import { MemoryPubsub } from '../../database/postgres/memory-pubsub.js';
import { Acquirer } from './acquirer.js';

const match = { organizationId: 'org', provisioners: ['echo' as const], tags: {} };
const posting = { organization_id: 'org', provisioner: 'echo' as const, tags: {} };

test('a daemon back from a job skips its first query while nothing was posted since the queue was seen empty', async () => {
  const pubsub = new MemoryPubsub();
  const acquirer = new Acquirer(pubsub, nopLogger, 60_000);
  await acquirer.start();
  try {
    let queries = 0;
    let queued = 0;
    const tryAcquire = async () => {
      queries++;
      if (queued === 0) return undefined;
      queued--;
      return 'job';
    };
    // One daemon finds the queue empty and waits; it gives up (as a daemon shutting down would).
    const first = new AbortController();
    const waiting = acquirer.acquire(match, tryAcquire, first.signal);
    await new Promise((r) => setImmediate(r));
    assert.equal(queries, 1);
    first.abort();
    assert.equal(await waiting, undefined);

    // Another comes back from a job: nothing was posted since, so it waits without querying, and
    // the next posting wakes it.
    const second = acquirer.acquire(match, tryAcquire, AbortSignal.timeout(10_000));
    await new Promise((r) => setImmediate(r));
    assert.equal(queries, 1, 'no query: the queue was just seen empty');
    queued = 1;
    await Acquirer.publish(pubsub, posting);
    assert.equal(await second, 'job');
    assert.equal(queries, 2);

    // A posting since the last empty answer: the next daemon queries at once.
    queued = 1;
    await Acquirer.publish(pubsub, posting);
    assert.equal(await acquirer.acquire(match, tryAcquire, AbortSignal.timeout(10_000)), 'job');
    assert.equal(queries, 3);
  } finally {
    await acquirer.close();
    await pubsub.close();
  }
});

test('a known-empty queue is forgotten after the fallback poll interval', async () => {
  const pubsub = new MemoryPubsub();
  const acquirer = new Acquirer(pubsub, nopLogger, 50);
  await acquirer.start();
  try {
    let queries = 0;
    const none = async () => {
      queries++;
      return undefined;
    };
    const first = new AbortController();
    const waiting = acquirer.acquire(match, none, first.signal);
    await new Promise((r) => setImmediate(r));
    first.abort();
    await waiting;
    assert.equal(queries, 1);
    await new Promise((r) => setTimeout(r, 100));
    const second = new AbortController();
    const again = acquirer.acquire(match, none, second.signal);
    await new Promise((r) => setImmediate(r));
    assert.equal(queries, 2, 'the old empty answer no longer counts');
    second.abort();
    await again;
  } finally {
    await acquirer.close();
    await pubsub.close();
  }
});
