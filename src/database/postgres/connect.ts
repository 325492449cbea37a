import pg from 'pg';
import { PreconditionFailed, Unavailable } from '../../sdk/errors.js';
import { nopLogger } from '../../sdk/logger.js';
import type { Logger } from '../../sdk/logger.js';
import { describePgError, describeTarget } from './describe-pg-error.js';

export interface ConnectPostgresOptions {
  /** How long to keep retrying before giving up (Coder: 30 s). */
  timeoutMs?: number;
  /** Pool size (Coder's --postgres-conn-max-open default). */
  max?: number;
  logger?: Logger;
  applicationName?: string;
}

/** Coder requires PostgreSQL 13 (server_version_num 130000) and so do we. */
export const minimumServerVersionNum = 130000;

/**
 * Errors that cannot fix themselves by waiting: a wrong password, a refused pg_hba entry or a
 * missing database. Retrying them for 30 s would only delay the message the user needs.
 */
const permanentCodes = new Set(['28P01', '28000', '3D000']);

/**
 * Opens a pool to `url`, retrying with backoff until the server answers (it may still be starting),
 * then refuses servers older than 13. Failure becomes `Unavailable` naming what is wrong, never the
 * password.
 */
export async function connectPostgres(url: string, opts: ConnectPostgresOptions = {}): Promise<pg.Pool> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const logger = opts.logger ?? nopLogger;
  const target = describeTarget(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? 'hangar',
    connectionTimeoutMillis: Math.min(timeoutMs, 10_000),
    idleTimeoutMillis: 30_000,
  });
  // An idle client whose server goes away emits 'error' on the pool; unhandled it kills the process.
  pool.on('error', (err) => logger.warn({ err: describePgError(err, target) }, 'PostgreSQL connection lost'));

  const deadline = Date.now() + timeoutMs;
  let delay = 100;
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await pool.query<{ num: string; version: string }>(
        "SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS version",
      );
      const row = res.rows[0];
      if (!row) throw new Error('empty answer to the version query');
      checkServerVersion(Number(row.num), row.version);
      logger.debug({ version: row.version, attempt }, 'connected to PostgreSQL');
      return pool;
    } catch (err) {
      if (err instanceof PreconditionFailed) {
        await pool.end().catch(() => {});
        throw err;
      }
      const reason = describePgError(err, target);
      const code = (err as { code?: unknown }).code;
      const permanent = typeof code === 'string' && permanentCodes.has(code);
      if (permanent || Date.now() + delay >= deadline) {
        await pool.end().catch(() => {});
        throw new Unavailable(`Cannot connect to PostgreSQL at ${target.where}: ${reason}`, {
          detail: permanent
            ? 'This does not go away by waiting; fix the connection URL or the server.'
            : `Gave up after ${attempt} attempts in ${Math.round(timeoutMs / 1000)} s.`,
          cause: err,
        });
      }
      logger.warn({ attempt, reason, retryInMs: delay }, 'cannot connect to PostgreSQL yet; retrying');
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 2_000);
    }
  }
}

/** Throws `PreconditionFailed` for servers older than 13 (exported for tests: old servers are hard to come by). */
export function checkServerVersion(versionNum: number, version = String(versionNum)): void {
  if (!Number.isFinite(versionNum) || versionNum < minimumServerVersionNum) {
    throw new PreconditionFailed(`PostgreSQL ${version} is too old; Hangar needs 13 or newer.`, {
      detail: `server_version_num is ${versionNum}; the minimum is ${minimumServerVersionNum}.`,
    });
  }
}
