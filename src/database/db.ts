/** The smallest surface the query modules need: something that runs parameterised SQL. */
import pg from 'pg';

export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/**
 * A statement PostgreSQL parses and plans once per pooled connection instead of on every call (a
 * named prepared statement), for the few on the job queue's hot path. `name` names one SQL text.
 */
export interface PreparedSql {
  name: string;
  text: string;
}

export const prepared = (name: string, text: string): PreparedSql => ({ name, text });

/**
 * Bumped when PostgreSQL refuses a prepared statement whose result columns changed under it (a
 * newer replica's migration added a column to a table it returns `*` of; ADR 0071 allows that
 * while old replicas run): every connection then prepares the statements afresh under new names.
 */
let generation = 0;

const isStalePlan = (err: unknown) =>
  (err as { code?: unknown }).code === '0A000' &&
  /cached plan must not change result type/.test((err as Error).message);

async function run(db: Queryable, sql: string | PreparedSql, params: unknown[]): Promise<pg.QueryResult> {
  // Only on the pool, i.e. outside transactions: there a refused statement is simply sent again,
  // while inside one (a client) it would have aborted the caller's transaction.
  if (typeof sql === 'string' || !(db instanceof pg.Pool))
    return db.query(typeof sql === 'string' ? sql : sql.text, params);
  const name = `${sql.name}_${generation}`;
  try {
    return await db.query({ name, text: sql.text, values: params });
  } catch (err) {
    if (!isStalePlan(err)) throw err;
    // Refused before it ran, so sending it again is safe.
    if (name === `${sql.name}_${generation}`) generation++;
    return db.query({ name: `${sql.name}_${generation}`, text: sql.text, values: params });
  }
}

export async function one<T>(
  db: Queryable,
  sql: string | PreparedSql,
  params: unknown[] = [],
): Promise<T | undefined> {
  const r = await run(db, sql, params);
  return r.rows[0] as T | undefined;
}

export async function many<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T[]> {
  const r = await db.query(sql, params);
  return r.rows as T[];
}

/** JSON.stringify replacer: Buffers (as their toJSON shape) become bytea's `\\x<hex>` text form. */
function byteaAsHex(_key: string, value: unknown): unknown {
  const v = value as { type?: unknown; data?: unknown };
  if (v && v.type === 'Buffer' && Array.isArray(v.data))
    return `\\x${Buffer.from(v.data as number[]).toString('hex')}`;
  return value;
}

/**
 * Inserts many rows in one statement. Each row must carry every column of `table` (missing keys
 * become NULL, not the column default), which keeps batch inserts to one round trip.
 * `table` is always a constant from our own code, never user input.
 */
export async function insertMany(db: Queryable, table: string, rows: object[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(`INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`, [
    JSON.stringify(rows, byteaAsHex),
  ]);
}
