/** Wire types for deployment-wide endpoints: build info and health. */

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

export interface HealthcheckReport {
  time: string;
  healthy: boolean;
  severity: 'ok' | 'warning' | 'error';
  database: DatabaseHealth;
  coder_version: string;
}
