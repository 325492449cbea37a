/** The smallest surface the query modules need: something that runs parameterised SQL. */
import type pg from 'pg';

export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

export async function one<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T | undefined> {
  const r = await db.query(sql, params);
  return r.rows[0] as T | undefined;
}

export async function many<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T[]> {
  const r = await db.query(sql, params);
  return r.rows as T[];
}

/**
 * Inserts many rows in one statement. Each row must carry every column of `table` (missing keys
 * become NULL, not the column default), which keeps batch inserts to one round trip.
 * `table` is always a constant from our own code, never user input.
 */
export async function insertMany(db: Queryable, table: string, rows: object[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(`INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`, [
    JSON.stringify(rows),
  ]);
}
