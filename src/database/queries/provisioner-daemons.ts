/** SQL for registered provisioner daemons and provisioner keys. */
import { many, one, type Queryable } from '../db.js';
import type { ProvisionerDaemonRow, ProvisionerKeyRow } from '../models.js';

/** A daemon row as the daemon describes itself; the database fills in the times. */
export type UpsertProvisionerDaemonParams = Omit<
  ProvisionerDaemonRow,
  'created_at' | 'last_seen_at' | 'current_job_id'
>;

export type InsertProvisionerKeyParams = Omit<ProvisionerKeyRow, 'created_at'>;

export interface ProvisionerDaemonQueries {
  /** Registers a daemon; one reconnecting under the same name keeps its row (and id). */
  upsertProvisionerDaemon(p: UpsertProvisionerDaemonParams): Promise<ProvisionerDaemonRow>;
  touchProvisionerDaemon(id: string): Promise<void>;
  listProvisionerDaemonsByOrganization(organizationId: string): Promise<ProvisionerDaemonRow[]>;
  insertProvisionerKey(p: InsertProvisionerKeyParams): Promise<ProvisionerKeyRow>;
  getProvisionerKeyById(id: string): Promise<ProvisionerKeyRow | undefined>;
  getProvisionerKeyByName(organizationId: string, name: string): Promise<ProvisionerKeyRow | undefined>;
  listProvisionerKeysByOrganization(organizationId: string): Promise<ProvisionerKeyRow[]>;
  deleteProvisionerKey(id: string): Promise<void>;
}

// node-postgres has no parser for arrays of an enum type (it would return the text "{echo}").
const daemonColumns = (d: string) =>
  `${d}id, ${d}organization_id, ${d}name, ${d}provisioners::text[] AS provisioners, ${d}tags, ${d}key_id,
   ${d}version, ${d}api_version, ${d}created_at, ${d}last_seen_at`;

export function provisionerDaemonQueries(db: Queryable): ProvisionerDaemonQueries {
  return {
    async upsertProvisionerDaemon(p) {
      return (await one<ProvisionerDaemonRow>(
        db,
        `INSERT INTO provisioner_daemons (id, organization_id, name, provisioners, tags, key_id, version, api_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (organization_id, lower(name)) DO UPDATE SET
           provisioners = EXCLUDED.provisioners, tags = EXCLUDED.tags, key_id = EXCLUDED.key_id,
           version = EXCLUDED.version, api_version = EXCLUDED.api_version, last_seen_at = now()
         RETURNING ${daemonColumns('')}, NULL::uuid AS current_job_id`,
        [
          p.id,
          p.organization_id,
          p.name,
          p.provisioners,
          JSON.stringify(p.tags),
          p.key_id,
          p.version,
          p.api_version,
        ],
      ))!;
    },
    async touchProvisionerDaemon(id) {
      await db.query(`UPDATE provisioner_daemons SET last_seen_at = now() WHERE id = $1`, [id]);
    },
    listProvisionerDaemonsByOrganization: (organizationId) =>
      many(
        db,
        `SELECT ${daemonColumns('d.')}, (SELECT j.id FROM provisioner_jobs j WHERE j.worker_id = d.id AND j.completed_at IS NULL
                      ORDER BY j.started_at DESC LIMIT 1) AS current_job_id
         FROM provisioner_daemons d WHERE d.organization_id = $1 ORDER BY d.name`,
        [organizationId],
      ),
    async insertProvisionerKey(p) {
      return (await one<ProvisionerKeyRow>(
        db,
        `INSERT INTO provisioner_keys (id, organization_id, name, hashed_secret, tags)
         VALUES ($1, $2, $3, $4, $5) RETURNING *`,
        [p.id, p.organization_id, p.name, p.hashed_secret, JSON.stringify(p.tags)],
      ))!;
    },
    getProvisionerKeyById: (id) => one(db, `SELECT * FROM provisioner_keys WHERE id = $1`, [id]),
    getProvisionerKeyByName: (organizationId, name) =>
      one(db, `SELECT * FROM provisioner_keys WHERE organization_id = $1 AND lower(name) = lower($2)`, [
        organizationId,
        name,
      ]),
    listProvisionerKeysByOrganization: (organizationId) =>
      many(db, `SELECT * FROM provisioner_keys WHERE organization_id = $1 ORDER BY name`, [organizationId]),
    async deleteProvisionerKey(id) {
      await db.query(`DELETE FROM provisioner_keys WHERE id = $1`, [id]);
    },
  };
}
