import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OrganizationRow } from './models.js';
import { cachedOrganizationLookups } from './organization-cache.js';

const org = { id: '5f0c1a52-3f3e-4a43-9d0b-2b7c6b1f0a11', name: 'Acme' } as OrganizationRow;

test('organization lookups: found rows are served from the cache until the TTL, misses never are', async () => {
  const rows = new Map<string, OrganizationRow>();
  let queries = 0;
  let clock = 0;
  const cache = cachedOrganizationLookups(
    {
      getOrganizationById: async (id) => (queries++, [...rows.values()].find((r) => r.id === id)),
      getOrganizationByName: async (name) => (
        queries++,
        [...rows.values()].find((r) => r.name.toLowerCase() === name.toLowerCase())
      ),
    },
    1_000,
    () => clock,
  );
  // A miss is not remembered: the organization created next (on any replica) is found at once.
  assert.equal(await cache.getOrganizationByName('acme'), undefined);
  rows.set(org.id, org);
  assert.equal(await cache.getOrganizationByName('acme'), org);
  assert.equal(queries, 2);
  // Cached by name (any case) and by id alike.
  assert.equal(await cache.getOrganizationByName('ACME'), org);
  assert.equal(await cache.getOrganizationById(org.id), org);
  assert.equal(queries, 2);
  // After the TTL the database is asked again.
  clock = 1_000;
  assert.equal(await cache.getOrganizationById(org.id), org);
  assert.equal(queries, 3);
  cache.forget();
  assert.equal(await cache.getOrganizationByName('acme'), org);
  assert.equal(queries, 4);
});
