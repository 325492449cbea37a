import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authzStore, policies } from './authz-store.js';
import { withActor } from './actor-context.js';
import type { Store } from '../store.js';
import type { UserActor } from './rbac.js';

// A store whose every method records that it ran: the wrapper must stop calls before they reach it.
function recordingStore(): { store: Store; calls: string[] } {
  const calls: string[] = [];
  const store = new Proxy({} as Store, {
    get: (_t, name: string) =>
      name === 'inTx'
        ? (fn: (tx: Store) => Promise<unknown>) => fn(store)
        : async () => {
            calls.push(name);
            return name.startsWith('list') ? [] : undefined;
          },
  });
  return { store, calls };
}

test('every store method has a policy and refuses to run without an actor', async () => {
  const { store, calls } = recordingStore();
  const wrapped = authzStore(store);
  for (const name of Object.keys(policies)) {
    const fn = (wrapped as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name]!;
    await assert.rejects(fn({}, [], {}), /No actor/, name);
  }
  assert.deepEqual(calls, []);
});

test('system-only methods refuse user actors before touching the database', async () => {
  const { store, calls } = recordingStore();
  const wrapped = authzStore(store);
  const member: UserActor = { kind: 'user', id: 'u1', username: 'm', roles: [], orgIds: [], scope: 'all' };
  for (const name of [
    'countUsers',
    'touchAPIKey',
    'updateUserLastSeen',
    'getSiteConfig',
    'insertSiteConfigIfAbsent',
  ] as const) {
    await withActor(member, () =>
      assert.rejects(
        (wrapped[name] as (...a: unknown[]) => Promise<unknown>)('x', new Date(), new Date(), null),
        /not found/i,
      ),
    );
  }
  assert.deepEqual(calls, []);
});
