/** How provisioner tags read in tables: `key=value` pairs, without the empty implicit owner. */
export function formatTags(tags: Record<string, string>): string {
  return Object.entries(tags)
    .filter(([k, v]) => !(k === 'owner' && v === ''))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
