// Per-test databases on the external test cluster (house style 15, as Coder's dbtestutil): a template
// database keyed by the migrations' hash is built once under a cluster-wide advisory lock, and every
// caller gets a fresh copy of it with a dated random name, in a non-UTC time zone, dropped on dispose.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, migrationsHash } from '../../src/database/postgres/migrator.js';

export interface TestDatabase {
  url: string;
  name: string;
  pool: pg.Pool;
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** Copy the migrated template (default) or, with false, start from an empty database. */
  migrate?: boolean;
}

/** Serialises template builds across every test process using the cluster. */
const templateLockId = 0x48544d50; // "HTMP"

/** A zone with a half-hour offset and DST, so code that assumes UTC or whole hours fails in tests. */
export const testTimeZone = 'Canada/Newfoundland';

export function testClusterUrl(): string {
  const url = process.env.HANGAR_TEST_POSTGRES_URL;
  if (!url) {
    throw new Error(
      'HANGAR_TEST_POSTGRES_URL is not set. Run the tests with `npm test` (it starts a throw-away ' +
        'PostgreSQL cluster and sets it), e.g. `npm test -- postgres`, or point ' +
        'HANGAR_TEST_POSTGRES_URL at a PostgreSQL ≥ 13 superuser URL such as ' +
        'postgres://hangar@127.0.0.1:5432/postgres.',
    );
  }
  return url;
}

/** The cluster URL with another database name. */
export function databaseUrl(name: string, base = testClusterUrl()): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testClusterUrl(), application_name: 'hangar-test-admin' });
  client.on('error', () => {}); // the server may drop an idle admin connection; each use reconnects
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

const ident = (name: string) => pg.escapeIdentifier(name);

let templateReady: Promise<string> | undefined;

/** Builds (once per cluster and migration set) the migrated template and returns its name. */
function ensureTemplate(): Promise<string> {
  templateReady ??= withAdmin(async (admin) => {
    const name = `hangar_tpl_${migrationsHash().slice(0, 12)}`;
    await admin.query('SELECT pg_advisory_lock($1)', [templateLockId]);
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount) return name;
      // Built under a temporary name and renamed at the end, so a crash never leaves a half-built template.
      const building = `${name}_building`;
      await admin.query(`DROP DATABASE IF EXISTS ${ident(building)} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${ident(building)} TEMPLATE template0 ENCODING 'UTF8'`);
      const pool = new pg.Pool({ connectionString: databaseUrl(building), max: 1 });
      pool.on('error', () => {});
      try {
        await migrate(pool);
      } finally {
        await pool.end();
      }
      await admin.query(`ALTER DATABASE ${ident(building)} RENAME TO ${ident(name)}`);
      // No connections allowed: CREATE DATABASE ... TEMPLATE fails while anyone is connected to it.
      await admin.query(`ALTER DATABASE ${ident(name)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
      return name;
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1)', [templateLockId]);
    }
  });
  templateReady.catch(() => {
    templateReady = undefined;
  });
  return templateReady;
}

function stamp(): string {
  return new Date().toISOString().replace(/[-:T]/g, '').replace(/\..*$/, '');
}

/** A fresh database for one test file (or test); dispose it with `await using` or `dispose()`. */
export async function createTestDatabase(opts: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const template = opts.migrate === false ? 'template0' : await ensureTemplate();
  const name = `hangar_test_${stamp()}_${randomBytes(4).toString('hex')}`;
  await withAdmin(async (admin) => {
    await admin.query(`CREATE DATABASE ${ident(name)} TEMPLATE ${ident(template)} ENCODING 'UTF8'`);
    await admin.query(`ALTER DATABASE ${ident(name)} SET timezone TO '${testTimeZone}'`);
  });
  const url = databaseUrl(name);
  const pool = new pg.Pool({ connectionString: url, max: 5, application_name: 'hangar-test' });
  pool.on('error', () => {}); // dropped on dispose WITH (FORCE); idle clients then see errors
  let disposed: Promise<void> | undefined;
  const dispose = () =>
    (disposed ??= (async () => {
      await pool.end().catch(() => {});
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`));
    })());
  return { url, name, pool, dispose, [Symbol.asyncDispose]: dispose };
}
