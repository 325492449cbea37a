import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { Internal, PreconditionFailed } from '../../sdk/errors.js';
import { createTestDatabase } from '../../../test/support/postgres.js';
import { listMigrations, migrate, migrationsHash } from './migrator.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-migrations-'));
  dirs.push(dir);
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

const base = {
  '000001_users.up.sql': 'CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);',
  '000001_users.down.sql': 'DROP TABLE users;',
  '000002_orgs.up.sql': 'CREATE TABLE orgs (id int PRIMARY KEY);\nINSERT INTO orgs VALUES (1);',
};

async function tables(pool: pg.Pool): Promise<string[]> {
  const r = await pool.query<{ t: string }>(
    "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
  );
  return r.rows.map((x) => x.t);
}

describe('migrator', () => {
  it('lists up migrations in order and hashes names and contents', () => {
    const dir = fixture({ ...base, '000010_late.up.sql': 'SELECT 1;' });
    assert.deepEqual(
      listMigrations(dir).map((m) => [m.version, m.name]),
      [
        [1, 'users'],
        [2, 'orgs'],
        [10, 'late'],
      ],
    );
    const same = fixture({ ...base, '000010_late.up.sql': 'SELECT 1;' });
    const other = fixture({ ...base, '000010_late.up.sql': 'SELECT 2;' });
    assert.equal(migrationsHash(dir), migrationsHash(same));
    assert.notEqual(migrationsHash(dir), migrationsHash(other));
    assert.deepEqual(listMigrations(join(dir, 'missing')), []);
    assert.throws(() => listMigrations(fixture({ 'oops.sql': '' })), Internal);
  });

  it('migrates an empty database, and re-running is a no-op', async () => {
    await using db = await createTestDatabase({ migrate: false });
    const dir = fixture(base);
    assert.deepEqual(await migrate(db.pool, { dir }), { applied: [1, 2], version: 2 });
    assert.deepEqual(await tables(db.pool), ['orgs', 'schema_migrations', 'users']);
    assert.deepEqual(await migrate(db.pool, { dir }), { applied: [], version: 2 });
    const more = fixture({ ...base, '000003_teams.up.sql': 'CREATE TABLE teams (id int);' });
    assert.deepEqual(await migrate(db.pool, { dir: more }), { applied: [3], version: 3 });
    const rows = await db.pool.query('SELECT version, name FROM schema_migrations ORDER BY version');
    assert.deepEqual(rows.rows, [
      { version: 1, name: 'users' },
      { version: 2, name: 'orgs' },
      { version: 3, name: 'teams' },
    ]);
  });

  it('accepts gaps in the numbering, and applies a lower number merged after a higher one', async () => {
    await using db = await createTestDatabase({ migrate: false });
    // Branches take numbers ahead of time: 6 may land before 4 and 5 do.
    const gap = fixture({ ...base, '000006_replicas.up.sql': 'CREATE TABLE replicas (id int);' });
    assert.deepEqual(await migrate(db.pool, { dir: gap }), { applied: [1, 2, 6], version: 6 });
    const filled = fixture({
      ...base,
      '000004_a.up.sql': 'CREATE TABLE a (id int);',
      '000005_b.up.sql': 'CREATE TABLE b (id int);',
      '000006_replicas.up.sql': 'CREATE TABLE replicas (id int);',
    });
    assert.deepEqual(await migrate(db.pool, { dir: filled }), { applied: [4, 5], version: 6 });
    assert.deepEqual(await tables(db.pool), ['a', 'b', 'orgs', 'replicas', 'schema_migrations', 'users']);
  });

  it('two concurrent migrators on one empty database apply everything exactly once', async () => {
    await using db = await createTestDatabase({ migrate: false });
    // Slow enough that the second migrator is surely waiting on the lock while the first works.
    const dir = fixture({
      ...base,
      '000003_slow.up.sql': 'SELECT pg_sleep(0.3); CREATE TABLE slow (id int);',
    });
    const a = new pg.Pool({ connectionString: db.url, max: 1 });
    const b = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      const [ra, rb] = await Promise.all([migrate(a, { dir }), migrate(b, { dir })]);
      assert.deepEqual([...ra.applied, ...rb.applied].sort(), [1, 2, 3]);
      assert.equal(ra.version, 3);
      assert.equal(rb.version, 3);
      const orgs = await db.pool.query('SELECT count(*)::int AS n FROM orgs');
      assert.equal(orgs.rows[0].n, 1, 'the INSERT in migration 2 ran once');
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });

  it('refuses a database with a breaking migration newer than this binary', async () => {
    await using db = await createTestDatabase({ migrate: false });
    const future = '-- hangar:breaking (drops orgs, which version 2 reads)\nDROP TABLE orgs;';
    await migrate(db.pool, { dir: fixture({ ...base, '000007_future.up.sql': future }) });
    await assert.rejects(migrate(db.pool, { dir: fixture(base) }), (err: unknown): boolean => {
      assert.ok(err instanceof PreconditionFailed);
      assert.equal(
        err.message,
        'The database schema is at version 7 but this Hangar knows only up to 2; ' +
          'upgrade Hangar or point it at another database.',
      );
      assert.equal(err.detail, 'Older versions cannot run after: 7_future.');
      return true;
    });
  });

  it('an older binary keeps starting on newer migrations not marked breaking (rolling upgrades)', async () => {
    await using db = await createTestDatabase({ migrate: false });
    const newer = fixture({ ...base, '000003_teams.up.sql': 'CREATE TABLE teams (id int);' });
    assert.deepEqual(await migrate(db.pool, { dir: newer }), { applied: [1, 2, 3], version: 3 });
    assert.deepEqual(await migrate(db.pool, { dir: fixture(base) }), { applied: [], version: 3 });
    assert.equal(listMigrations(newer).at(-1)?.breaking, false);
  });

  it('a failing migration rolls back everything and names the file and the error', async () => {
    await using db = await createTestDatabase({ migrate: false });
    const dir = fixture({
      ...base,
      '000003_broken.up.sql': 'CREATE TABLE teams (id int);\nSELECT nope FROM nowhere;',
    });
    await assert.rejects(migrate(db.pool, { dir }), (err: unknown): boolean => {
      assert.ok(err instanceof Internal);
      assert.match(
        err.message,
        /^Migration 000003_broken\.up\.sql failed: relation "nowhere" does not exist/,
      );
      return true;
    });
    assert.deepEqual(await tables(db.pool), []);
  });

  it('the test template carries the real migrations', async () => {
    await using db = await createTestDatabase();
    const r = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    assert.equal(r.rows[0]?.n, listMigrations().length);
    const tz = await db.pool.query<{ tz: string }>("SELECT current_setting('TimeZone') AS tz");
    assert.equal(tz.rows[0]?.tz, 'Canada/Newfoundland');
  });
});
