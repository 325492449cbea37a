/** Row shapes as stored; src/coderd/convert turns them into src/sdk wire types. */
import type { APIKeyScope, LoginType, UserStatus } from '../sdk/users.js';
import type {
  LogLevel,
  LogSource,
  ProvisionerJobStatus,
  ProvisionerJobType,
  ProvisionerType,
} from '../sdk/provisioner-jobs.js';
import type { WorkspaceAgentLifecycle, WorkspaceAppHealth } from '../sdk/workspaces.js';

export interface UserRow {
  id: string;
  email: string;
  username: string;
  name: string;
  hashed_password: string;
  status: UserStatus;
  rbac_roles: string[];
  login_type: LoginType;
  avatar_url: string;
  deleted: boolean;
  last_seen_at: Date;
  created_at: Date;
  updated_at: Date;
}

export interface OrganizationRow {
  id: string;
  name: string;
  display_name: string;
  description: string;
  icon: string;
  is_default: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface OrganizationMemberRow {
  organization_id: string;
  user_id: string;
  roles: string[];
  created_at: Date;
  updated_at: Date;
}

export interface APIKeyRow {
  id: string;
  hashed_secret: Buffer;
  user_id: string;
  last_used: Date;
  expires_at: Date;
  lifetime_seconds: string | number;
  login_type: LoginType;
  scope: APIKeyScope;
  token_name: string;
  ip_address: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface ProvisionerJobRow {
  id: string;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  canceled_at: Date | null;
  completed_at: Date | null;
  error: string | null;
  error_code: string | null;
  organization_id: string;
  initiator_id: string;
  provisioner: ProvisionerType;
  type: ProvisionerJobType;
  input: unknown;
  file_id: string | null;
  worker_id: string | null;
  tags: Record<string, string>;
  logs_length: number;
  logs_overflowed: boolean;
  job_status: ProvisionerJobStatus;
}

/** A job with its place in the queue (0 once started) and the queue's length. */
export interface ProvisionerJobWithQueueRow extends ProvisionerJobRow {
  queue_position: number;
  queue_size: number;
  worker_name: string | null;
}

export interface ProvisionerJobLogRow {
  id: string;
  job_id: string;
  created_at: Date;
  source: LogSource;
  level: LogLevel;
  stage: string;
  output: string;
}

export interface ProvisionerDaemonRow {
  id: string;
  organization_id: string;
  name: string;
  provisioners: ProvisionerType[];
  tags: Record<string, string>;
  key_id: string | null;
  version: string;
  api_version: string;
  created_at: Date;
  last_seen_at: Date;
  current_job_id: string | null;
}

export interface ProvisionerKeyRow {
  id: string;
  organization_id: string;
  name: string;
  hashed_secret: Buffer;
  tags: Record<string, string>;
  created_at: Date;
}

// What jobs provisioned (builds, template imports, dry-runs): resources and their agents.

export interface WorkspaceResourceRow {
  id: string;
  job_id: string;
  transition: 'start' | 'stop' | 'delete';
  type: string;
  name: string;
  hide: boolean;
  icon: string;
  instance_type: string | null;
  daily_cost: number;
  module_path: string;
  created_at: Date;
}

export interface WorkspaceResourceMetadataRow {
  workspace_resource_id: string;
  key: string;
  value: string | null;
  sensitive: boolean;
  display_order: number;
}

export interface WorkspaceAgentRow {
  id: string;
  resource_id: string;
  name: string;
  auth_token: string;
  auth_instance_id: string | null;
  architecture: string;
  operating_system: string;
  environment_variables: Record<string, string>;
  directory: string;
  expanded_directory: string;
  version: string;
  api_version: string;
  first_connected_at: Date | null;
  last_connected_at: Date | null;
  disconnected_at: Date | null;
  last_connected_replica_id: string | null;
  connection_timeout_seconds: number;
  troubleshooting_url: string;
  motd_file: string;
  lifecycle_state: WorkspaceAgentLifecycle;
  started_at: Date | null;
  ready_at: Date | null;
  logs_length: number;
  logs_overflowed: boolean;
  subsystems: string[];
  display_apps: string[];
  display_order: number;
  created_at: Date;
  updated_at: Date;
}

export interface WorkspaceAppRow {
  id: string;
  agent_id: string;
  slug: string;
  display_name: string;
  icon: string;
  command: string | null;
  url: string | null;
  external: boolean;
  subdomain: boolean;
  sharing_level: 'owner' | 'authenticated' | 'public';
  healthcheck_url: string;
  healthcheck_interval: number;
  healthcheck_threshold: number;
  health: WorkspaceAppHealth;
  display_order: number;
  hidden: boolean;
  open_in: 'slim-window' | 'tab';
  display_group: string | null;
  created_at: Date;
}

export interface WorkspaceAgentScriptRow {
  id: string;
  workspace_agent_id: string;
  log_source_id: string;
  log_path: string;
  script: string;
  cron: string;
  start_blocks_login: boolean;
  run_on_start: boolean;
  run_on_stop: boolean;
  timeout_seconds: number;
  display_name: string;
  created_at: Date;
}

export interface WorkspaceAgentLogSourceRow {
  workspace_agent_id: string;
  id: string;
  display_name: string;
  icon: string;
  created_at: Date;
}

export interface WorkspaceAgentMetadataRow {
  workspace_agent_id: string;
  key: string;
  display_name: string;
  script: string;
  interval_seconds: number;
  timeout_seconds: number;
  display_order: number;
  value: string;
  error: string;
  collected_at: Date;
}
