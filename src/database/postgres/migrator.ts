import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { Internal, PreconditionFailed } from '../../sdk/errors.js';
import { nopLogger } from '../../sdk/logger.js';
import type { Logger } from '../../sdk/logger.js';

export interface Migration {
  version: number;
  /** The part after the number, e.g. `create_users`. */
  name: string;
  /** The file name, e.g. `000001_create_users.up.sql`, used in error messages. */
  file: string;
  sql: string;
  /**
   * Marked `-- hangar:breaking` on a line of its own: Hangar versions older than this migration
   * cannot run on the schema after it (it drops or changes something they use). Unmarked
   * migrations must keep the previous release working, so replicas of two versions can run side
   * by side during a rolling upgrade (docs/high-availability.md).
   */
  breaking: boolean;
}

export interface MigrateOptions {
  dir?: string | URL;
  logger?: Logger;
}

/** The build copies the .sql files next to the compiled JS, so this works from src and dist alike. */
const defaultDir = new URL('../migrations/', import.meta.url);

/**
 * Arbitrary but fixed: every Hangar process migrating one database takes this transaction-level
 * advisory lock, so replicas starting together apply each migration exactly once.
 */
export const migrationLockId = 0x48414e47; // "HANG"

const fileName = /^(\d+)_([A-Za-z0-9_]+)\.up\.sql$/;
const breakingMarker = /^--\s*hangar:breaking\b/m;

function dirPath(dir: string | URL | undefined): string {
  const d = dir ?? defaultDir;
  return d instanceof URL ? fileURLToPath(d) : d;
}

/**
 * The `NNNNNN_name.up.sql` files in `dir`, in version order. A missing folder means no migrations
 * (the build only creates it in dist once a .sql file exists). `.down.sql` files are ignored: Hangar
 * only migrates forwards.
 */
export function listMigrations(dir?: string | URL): Migration[] {
  const root = dirPath(dir);
  if (!existsSync(root)) return [];
  const out: Migration[] = [];
  for (const file of readdirSync(root).sort()) {
    if (!file.endsWith('.sql') || file.endsWith('.down.sql')) continue;
    const m = fileName.exec(file);
    if (!m) {
      throw new Internal(`Migration file ${file} is not named NNNNNN_name.up.sql.`, { detail: root });
    }
    const version = Number(m[1]);
    const clash = out.find((x) => x.version === version);
    if (clash) throw new Internal(`Migrations ${clash.file} and ${file} have the same version ${version}.`);
    const sql = readFileSync(join(root, file), 'utf8');
    out.push({ version, name: m[2] ?? '', file, sql, breaking: breakingMarker.test(sql) });
  }
  return out.sort((a, b) => a.version - b.version);
}

/** sha256 over every migration's file name and content: the test template database is keyed by it. */
export function migrationsHash(dir?: string | URL): string {
  const h = createHash('sha256');
  for (const m of listMigrations(dir)) h.update(m.file).update('\0').update(m.sql).update('\0');
  return h.digest('hex');
}

/**
 * Applies every pending migration in one transaction under an advisory lock. Re-running is a no-op;
 * a database with migrations this binary does not know is accepted while none of them is marked
 * breaking (a newer replica of a rolling upgrade applied them), else refused; a failing migration
 * rolls everything back.
 */
export async function migrate(
  pool: pg.Pool,
  opts: MigrateOptions = {},
): Promise<{ applied: number[]; version: number }> {
  const logger = opts.logger ?? nopLogger;
  const migrations = listMigrations(opts.dir);
  const newest = migrations.at(-1)?.version ?? 0;
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    // Taken before anything else, so a second process waits here and then sees the first one's work.
    await client.query('SELECT pg_advisory_xact_lock($1)', [migrationLockId]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version int PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      breaking boolean NOT NULL DEFAULT false
    )`);
    // Databases first migrated before the flag existed.
    await client.query(
      'ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS breaking boolean NOT NULL DEFAULT false',
    );
    const res = await client.query<{ version: number; name: string; breaking: boolean }>(
      'SELECT version, name, breaking FROM schema_migrations',
    );
    const done = new Set(res.rows.map((r) => r.version));
    const current = Math.max(0, ...done);
    const unknown = res.rows.filter((r) => r.version > newest);
    const breaking = unknown.filter((r) => r.breaking);
    if (breaking.length > 0) {
      throw new PreconditionFailed(
        `The database schema is at version ${current} but this Hangar knows only up to ${newest}; ` +
          'upgrade Hangar or point it at another database.',
        {
          detail: `Older versions cannot run after: ${breaking.map((r) => `${r.version}_${r.name}`).join(', ')}.`,
        },
      );
    }
    if (unknown.length > 0)
      logger.warn(
        { newest, unknown: unknown.map((r) => r.version) },
        'the database has migrations from a newer Hangar that keep this version working; finish the upgrade',
      );
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      logger.info({ version: m.version, file: m.file }, 'applying migration');
      try {
        await client.query(m.sql);
      } catch (err) {
        const pgErr = err as { message?: string; code?: string; position?: string };
        throw new Internal(`Migration ${m.file} failed: ${pgErr.message ?? String(err)}`, {
          detail: [pgErr.code && `SQLSTATE ${pgErr.code}`, pgErr.position && `at character ${pgErr.position}`]
            .filter(Boolean)
            .join(', '),
          cause: err,
        });
      }
      await client.query('INSERT INTO schema_migrations (version, name, breaking) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        m.breaking,
      ]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    const version = Math.max(current, ...applied);
    if (applied.length > 0) logger.info({ applied, version }, 'database migrated');
    return { applied, version };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw err;
  } finally {
    // A client whose ROLLBACK failed is in an unknown state: destroy it instead of pooling it.
    client.release(broken);
  }
}
