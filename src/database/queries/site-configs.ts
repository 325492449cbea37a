/** SQL for deployment-wide key/value settings. */
import { one, type Queryable } from '../db.js';

export interface SiteConfigQueries {
  getSiteConfig(key: string): Promise<string | undefined>;
  /** Inserts the value unless the key exists; returns the value that is stored afterwards. */
  insertSiteConfigIfAbsent(key: string, value: string): Promise<string>;
  /** Health probe: a trivial round trip. */
  ping(): Promise<void>;
}

export function siteConfigQueries(db: Queryable): SiteConfigQueries {
  return {
    async getSiteConfig(key) {
      return (await one<{ value: string }>(db, `SELECT value FROM site_configs WHERE key = $1`, [key]))
        ?.value;
    },
    async insertSiteConfigIfAbsent(key, value) {
      await db.query(`INSERT INTO site_configs (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, [
        key,
        value,
      ]);
      return (await one<{ value: string }>(db, `SELECT value FROM site_configs WHERE key = $1`, [key]))!
        .value;
    },
    async ping() {
      await db.query('SELECT 1');
    },
  };
}
