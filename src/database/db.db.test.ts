import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/support/postgres.js';
import { one, prepared } from './db.js';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase({ migrate: false });
});
after(() => db.dispose());

test('a prepared statement survives a column added under it (another replica migrating)', async () => {
  await db.pool.query(`CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'a')`);
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  const both = () => Promise.all([one(pool, select, [1]), one(pool, select, [1])]);
  const select = prepared('test_select_t', 'SELECT * FROM t WHERE id = $1');
  try {
    // Two at once: both connections prepare it.
    assert.deepEqual(await both(), [
      { id: 1, v: 'a' },
      { id: 1, v: 'a' },
    ]);
    // Additive, as ADR 0071 allows while old replicas run: PostgreSQL refuses the old plan
    // ("cached plan must not change result type"); the call prepares it afresh instead of failing.
    await db.pool.query(`ALTER TABLE t ADD COLUMN n int NOT NULL DEFAULT 7`);
    const now = { id: 1, v: 'a', n: 7 };
    assert.deepEqual(await both(), [now, now]);
    assert.deepEqual(await both(), [now, now]);
    // Inside a transaction (a pooled client) statements are not prepared: a refusal there would
    // have aborted the caller's transaction.
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      assert.deepEqual(await one(client, select, [1]), now);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  } finally {
    await pool.end();
  }
});
