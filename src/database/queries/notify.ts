/**
 * A NOTIFY sent by the statement that writes what it announces (a posted job, a finished job's
 * last logs): no extra round trip, and inside a transaction PostgreSQL delivers it at commit, so a
 * listener that wakes always sees the row. Only for a pub/sub that LISTENs on the same database.
 */
export interface Notification {
  channel: string;
  message: string;
}

/**
 * A select-list (or RETURNING) column that sends `notify` once per row the statement returns, so a
 * statement that matches nothing announces nothing. `$c` and `$m` are its parameter numbers; pass
 * `notificationParams` there. The column's value (always '' or NULL) is dropped by `withoutNotified`.
 */
export const notifiedColumn = (c: number, m: number) =>
  `CASE WHEN $${c}::text IS NOT NULL THEN pg_notify($${c}::text, $${m}::text)::text END AS pg_notified`;

export const notificationParams = (notify: Notification | undefined): [string | null, string | null] => [
  notify?.channel ?? null,
  notify?.message ?? null,
];

export function withoutNotified<T>(row: (T & { pg_notified?: unknown }) | undefined): T | undefined {
  if (row === undefined) return undefined;
  const { pg_notified: _, ...rest } = row;
  return rest as T;
}
