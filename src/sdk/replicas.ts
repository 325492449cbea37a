/** Wire type of `GET /replicas`: the live `hangar server` processes of the deployment. */

/** Coder's `codersdk.Replica`, plus the version and heartbeat times Hangar also reports. */
export interface Replica {
  id: string;
  hostname: string;
  created_at: string;
  /** Where the other replicas reach this one (`--relay-url`). */
  relay_address: string;
  region_id: number;
  /** Empty when the replica reaches every peer; else which peers it cannot reach and why. */
  error: string;
  /** Microseconds for a trivial query, measured at the last heartbeat. */
  database_latency: number;
  version: string;
  started_at: string;
  updated_at: string;
}
