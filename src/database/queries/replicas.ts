/**
 * SQL for the replicas of a deployment. Liveness is judged on the database's clock (`now()`), so
 * replicas on hosts whose clocks disagree still agree on who is alive.
 */
import { many, one, type Queryable } from '../db.js';
import type { ReplicaRow } from '../models.js';

export type UpsertReplicaParams = Pick<
  ReplicaRow,
  'id' | 'started_at' | 'hostname' | 'region_id' | 'relay_address' | 'database_latency' | 'version' | 'error'
>;

export interface ReplicaQueries {
  /** The heartbeat: inserts the row or refreshes it (updated_at = now()); a stopped row restarts. */
  upsertReplica(p: UpsertReplicaParams): Promise<ReplicaRow>;
  /** Replicas not stopped whose last heartbeat is younger than `maxAgeMs`, oldest first. */
  listLiveReplicas(maxAgeMs: number): Promise<ReplicaRow[]>;
  /** Clean shutdown. */
  markReplicaStopped(id: string): Promise<void>;
  /** Forgets replicas with no heartbeat for `maxAgeMs`; returns how many. */
  deleteReplicasIdleFor(maxAgeMs: number): Promise<number>;
}

export function replicaQueries(db: Queryable): ReplicaQueries {
  return {
    async upsertReplica(p) {
      return (await one<ReplicaRow>(
        db,
        `INSERT INTO replicas (id, started_at, updated_at, hostname, region_id, relay_address,
                               database_latency, version, error)
         VALUES ($1, $2, now(), $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET updated_at = now(), stopped_at = NULL, hostname = $3,
           region_id = $4, relay_address = $5, database_latency = $6, version = $7, error = $8
         RETURNING *`,
        [
          p.id,
          p.started_at,
          p.hostname,
          p.region_id,
          p.relay_address,
          p.database_latency,
          p.version,
          p.error,
        ],
      ))!;
    },
    listLiveReplicas: (maxAgeMs) =>
      many(
        db,
        `SELECT * FROM replicas
          WHERE stopped_at IS NULL AND updated_at > now() - make_interval(secs => $1::float8 / 1000)
          ORDER BY created_at, id`,
        [maxAgeMs],
      ),
    async markReplicaStopped(id) {
      await db.query('UPDATE replicas SET stopped_at = now(), updated_at = now() WHERE id = $1', [id]);
    },
    async deleteReplicasIdleFor(maxAgeMs) {
      const r = await db.query(
        'DELETE FROM replicas WHERE updated_at < now() - make_interval(secs => $1::float8 / 1000)',
        [maxAgeMs],
      );
      return r.rowCount ?? 0;
    },
  };
}
