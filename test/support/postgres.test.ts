import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { createTestDatabase, testClusterUrl } from './postgres.js';

async function exists(name: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: testClusterUrl() });
  await c.connect();
  try {
    return ((await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount ?? 0) > 0;
  } finally {
    await c.end();
  }
}

describe('createTestDatabase', () => {
  it('gives each caller its own dated database, dropped on dispose', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      assert.match(a.name, /^hangar_test_\d{14}_[0-9a-f]{8}$/);
      assert.notEqual(a.name, b.name);
      await a.pool.query('CREATE TABLE only_in_a (id int)');
      const inB = await b.pool.query("SELECT to_regclass('only_in_a') AS t");
      assert.equal(inB.rows[0].t, null);
      assert.equal(new URL(a.url).pathname, `/${a.name}`);
    } finally {
      await a.dispose();
      await a.dispose(); // idempotent
      await b.dispose();
    }
    assert.equal(await exists(a.name), false);
    assert.equal(await exists(b.name), false);
  });

  it('says how to run the tests when HANGAR_TEST_POSTGRES_URL is not set', async () => {
    const saved = process.env.HANGAR_TEST_POSTGRES_URL;
    delete process.env.HANGAR_TEST_POSTGRES_URL;
    try {
      await assert.rejects(
        createTestDatabase(),
        /HANGAR_TEST_POSTGRES_URL is not set\. Run the tests with `npm test`/,
      );
    } finally {
      process.env.HANGAR_TEST_POSTGRES_URL = saved;
    }
  });
});
