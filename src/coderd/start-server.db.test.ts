import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultDeploymentValues } from '../sdk/deployment-options.js';
import { HangarClient } from '../sdk/hangar-client.js';
import { nopLogger } from '../sdk/logger.js';
import { createTestDatabase } from '../../test/support/postgres.js';
import { firstUser } from '../../test/support/coderd.js';
import { parseHttpAddress, startServer } from './start-server.js';

const values = (postgresUrl: string) => ({
  ...defaultDeploymentValues(),
  httpAddress: '127.0.0.1:0',
  postgresUrl,
});

test('two servers starting at once on one empty database both migrate safely', async () => {
  await using db = await createTestDatabase({ migrate: false });
  const [a, b] = await Promise.all([
    startServer({ values: values(db.url), configDir: '/nonexistent', logger: nopLogger }),
    startServer({ values: values(db.url), configDir: '/nonexistent', logger: nopLogger }),
  ]);
  try {
    assert.equal(a.coderd.deploymentId, b.coderd.deploymentId);
    assert.equal(a.coderd.defaultOrganizationId, b.coderd.defaultOrganizationId);
    const orgs = await db.pool.query('SELECT count(*)::int AS n FROM organizations');
    assert.equal(orgs.rows[0].n, 1);
    // A user created through one replica can log in through the other.
    await new HangarClient(a.accessUrl).users.createFirstUser(firstUser);
    await new HangarClient(b.accessUrl).users.login({ email: firstUser.email, password: firstUser.password });
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('restart on the same database keeps data and re-running migrations is a no-op', async () => {
  await using db = await createTestDatabase({ migrate: false });
  const first = await startServer({ values: values(db.url), configDir: '/nonexistent', logger: nopLogger });
  await new HangarClient(first.accessUrl).users.createFirstUser(firstUser);
  await first.close();
  const migrated = await db.pool.query('SELECT count(*)::int AS n FROM schema_migrations');
  const second = await startServer({ values: values(db.url), configDir: '/nonexistent', logger: nopLogger });
  try {
    await new HangarClient(second.accessUrl).users.login({
      email: firstUser.email,
      password: firstUser.password,
    });
    const after = await db.pool.query('SELECT count(*)::int AS n FROM schema_migrations');
    assert.equal(after.rows[0].n, migrated.rows[0].n);
  } finally {
    await second.close();
  }
});

test('a database with a newer schema than this binary is refused with a clear message', async () => {
  await using db = await createTestDatabase();
  await db.pool.query(
    `INSERT INTO schema_migrations (version, name, breaking) VALUES (999999, 'from_the_future', true)`,
  );
  await assert.rejects(
    startServer({ values: values(db.url), configDir: '/nonexistent', logger: nopLogger }),
    (err: Error) => /999999/.test(err.message) && /upgrade Hangar/i.test(err.message),
  );
});

test(
  'the bundled PostgreSQL keeps data across restarts and stops cleanly',
  { timeout: 120_000 },
  async () => {
    const configDir = mkdtempSync(join(tmpdir(), 'hangar-bundled-'));
    try {
      const v = { ...defaultDeploymentValues(), httpAddress: '127.0.0.1:0' };
      const first = await startServer({ values: v, configDir, logger: nopLogger });
      await new HangarClient(first.accessUrl).users.createFirstUser(firstUser);
      await first.close();
      const second = await startServer({ values: v, configDir, logger: nopLogger });
      try {
        await new HangarClient(second.accessUrl).users.login({
          email: firstUser.email,
          password: firstUser.password,
        });
      } finally {
        await second.close();
      }
      const ps = spawnSync('pgrep', ['-f', join(configDir, 'postgres')], { encoding: 'utf8' });
      assert.equal(ps.stdout.trim(), '', 'no bundled postgres process may outlive the server');
    } finally {
      rmSync(configDir, { recursive: true, force: true });
    }
  },
);

test('http-address parsing names the flag on bad input', () => {
  assert.deepEqual(parseHttpAddress('127.0.0.1:3000'), { host: '127.0.0.1', port: 3000 });
  assert.deepEqual(parseHttpAddress('[::1]:80'), { host: '::1', port: 80 });
  assert.deepEqual(parseHttpAddress(':8080'), { host: '0.0.0.0', port: 8080 });
  assert.throws(
    () => parseHttpAddress('nonsense'),
    (e: { validations: { field: string }[] }) => e.validations[0]?.field === 'http-address',
  );
});
