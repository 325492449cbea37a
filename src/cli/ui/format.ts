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
