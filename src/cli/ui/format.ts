/** Cell formatting shared by tables: stable, script-friendly renderings of wire values. */

/** RFC 3339 to the second in UTC; Go's zero time (never used) reads as "never". */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  if (d.getUTCFullYear() < 1971) return 'never';
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function formatList(items: readonly string[]): string {
  return items.join(', ');
}

/** How long ago, coarsely: `12s ago`, `5m ago`, `3h ago`, `2d ago`. */
export function formatAgo(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (!Number.isFinite(seconds)) return iso;
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86400)}d ago`;
}
