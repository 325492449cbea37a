/**
 * Organization lookups by id or name, cached for a short time below the authorizing store (which
 * still checks every call against its actor). Nearly every request under /organizations/{org}
 * resolves its organization; the rows change only when an organization is created, so a found row
 * is kept for `ttlMs` and a miss is never cached (an organization created on another replica is
 * found at once). A future rename or delete must call `forget`.
 */
import type { OrganizationRow } from './models.js';
import type { OrganizationQueries } from './queries/organizations.js';

type Lookups = Pick<OrganizationQueries, 'getOrganizationById' | 'getOrganizationByName'>;

export const organizationCacheTtlMs = 30_000;

export function cachedOrganizationLookups(
  inner: Lookups,
  ttlMs = organizationCacheTtlMs,
  now: () => number = Date.now,
): Lookups & { forget(): void } {
  const byId = new Map<string, { row: OrganizationRow; until: number }>();
  const byName = new Map<string, { row: OrganizationRow; until: number }>();
  const remember = (row: OrganizationRow | undefined) => {
    if (!row) return row;
    const entry = { row, until: now() + ttlMs };
    byId.set(row.id, entry);
    // Names match case-insensitively, as getOrganizationByName does.
    byName.set(row.name.toLowerCase(), entry);
    return row;
  };
  const fresh = (entry: { row: OrganizationRow; until: number } | undefined) =>
    entry && entry.until > now() ? entry.row : undefined;
  return {
    async getOrganizationById(id) {
      return fresh(byId.get(id)) ?? remember(await inner.getOrganizationById(id));
    },
    async getOrganizationByName(name) {
      return fresh(byName.get(name.toLowerCase())) ?? remember(await inner.getOrganizationByName(name));
    },
    forget() {
      byId.clear();
      byName.clear();
    },
  };
}
