import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newRelayKey, RelayAuth, relayAuthHeader } from './replica-relay-auth.js';

const path = '/api/v2/replicas/relay?agent=a&target=ssh';

test('a signature is accepted once, for its own path, with the shared key, within the clock window', () => {
  const key = newRelayKey();
  const a = new RelayAuth(key, 'replica-a');
  const b = new RelayAuth(key, 'replica-b');
  const now = 1_800_000_000_000;
  const header = a.sign(path, now)[relayAuthHeader];
  assert.equal(b.verify(header, path, now + 10), 'replica-a');
  assert.equal(b.verify(header, path, now + 20), undefined, 'a replayed signature is refused');

  const other = a.sign(path, now)[relayAuthHeader]!;
  assert.equal(b.verify(other, path.replace('ssh', 'tcp:127.0.0.1:22'), now), undefined, 'another target');
  assert.equal(b.verify(other.replace('replica-a', 'replica-c'), path, now), undefined, 'another sender');
  assert.equal(new RelayAuth(newRelayKey(), 'x').verify(other, path, now), undefined, 'another key');
  assert.equal(b.verify(a.sign(path, now - 61_000)[relayAuthHeader], path, now), undefined, 'too old');
  assert.equal(b.verify(a.sign(path, now + 61_000)[relayAuthHeader], path, now), undefined, 'too new');
  // The same target in the same millisecond twice is two requests, not a replay.
  assert.equal(b.verify(a.sign(path, now)[relayAuthHeader], path, now), 'replica-a');
  assert.equal(b.verify(a.sign(path, now)[relayAuthHeader], path, now), 'replica-a');
  for (const bad of [undefined, '', 'v1', 'v2 replica-a 1 n 00', `v1 replica-a x n ${'0'.repeat(64)}`])
    assert.equal(b.verify(bad, path, now), undefined, String(bad));
});
