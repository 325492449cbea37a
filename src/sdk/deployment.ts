/** Wire types for deployment-wide endpoints: build info and health. */
import type { Replica } from './replicas.js';

export interface BuildInfoResponse {
  external_url: string;
  version: string;
  dashboard_url: string;
  deployment_id: string;
  agent_api_version: string;
  provisioner_api_version: string;
  workspace_proxy: boolean;
}

export interface DatabaseHealth {
  healthy: boolean;
  reachable: boolean;
  latency: string;
  latency_ms: number;
  error?: string;
}

/** The replicas of the deployment as the answering replica sees them. */
export interface ReplicasHealth {
  healthy: boolean;
  /** The answering replica. */
  replica_id: string;
  /** Live replicas, this one first; each one's `error` names the peers it cannot reach. */
  replicas: Replica[];
  /** Why this replica's last heartbeat failed (usually: the database is unreachable). */
  error?: string;
}

export interface HealthcheckReport {
  time: string;
  healthy: boolean;
  severity: 'ok' | 'warning' | 'error';
  database: DatabaseHealth;
  replicas: ReplicasHealth;
  coder_version: string;
}
