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

/** A template archive as uploaded (content-addressed per uploader). */
export interface FileRow {
  id: string;
  hash: string;
  created_by: string;
  mimetype: string;
  data: Buffer;
  created_at: Date;
}

/** A template with what its API shape needs from other tables (organization, creator, usage). */
export interface TemplateRow {
  id: string;
  organization_id: string;
  name: string;
  display_name: string;
  description: string;
  icon: string;
  provisioner: ProvisionerType;
  active_version_id: string;
  created_by: string;
  deleted: boolean;
  deprecated: string;
  /** Durations are bigint nanoseconds (node-postgres returns them as strings). */
  default_ttl: string;
  activity_bump: string;
  autostop_requirement_days_of_week: number;
  autostop_requirement_weeks: string;
  autostart_block_days_of_week: number;
  allow_user_autostart: boolean;
  allow_user_autostop: boolean;
  allow_user_cancel_workspace_jobs: boolean;
  failure_ttl: string;
  time_til_dormant: string;
  time_til_dormant_autodelete: string;
  require_active_version: boolean;
  max_port_sharing_level: 'owner' | 'authenticated' | 'public';
  created_at: Date;
  updated_at: Date;
  organization_name: string;
  created_by_username: string;
  created_by_avatar_url: string;
  workspace_count: number;
}

export interface TemplateVersionRow {
  id: string;
  template_id: string | null;
  organization_id: string;
  name: string;
  message: string;
  readme: string;
  job_id: string;
  created_by: string;
  archived: boolean;
  external_auth_providers: { id: string; optional: boolean }[];
  created_at: Date;
  updated_at: Date;
  created_by_username: string;
  created_by_avatar_url: string;
}

export interface TemplateVersionParameterRow {
  template_version_id: string;
  name: string;
  display_name: string;
  description: string;
  type: string;
  mutable: boolean;
  default_value: string;
  icon: string;
  options: { name: string; description: string; value: string; icon: string }[];
  validation_regex: string;
  validation_min: number | null;
  validation_max: number | null;
  validation_error: string;
  validation_monotonic: '' | 'increasing' | 'decreasing';
  required: boolean;
  ephemeral: boolean;
  display_order: number;
}

export interface TemplateVersionVariableRow {
  template_version_id: string;
  name: string;
  description: string;
  type: string;
  value: string;
  default_value: string;
  required: boolean;
  sensitive: boolean;
}

export interface WorkspaceRow {
  id: string;
  owner_id: string;
  organization_id: string;
  template_id: string;
  name: string;
  deleted: boolean;
  autostart_schedule: string | null;
  /** Nanoseconds (bigint; pg returns a string); null = no autostop. */
  ttl: string | null;
  last_used_at: Date;
  dormant_at: Date | null;
  deleting_at: Date | null;
  automatic_updates: 'always' | 'never';
  favorite: boolean;
  created_at: Date;
  updated_at: Date;
}

/** A workspace with what its API shape shows of its owner, organization and template. */
export interface WorkspaceWithNamesRow extends WorkspaceRow {
  owner_username: string;
  owner_avatar_url: string;
  organization_name: string;
  template_name: string;
  template_display_name: string;
  template_icon: string;
  template_active_version_id: string;
  template_allow_user_cancel_workspace_jobs: boolean;
  template_require_active_version: boolean;
}

export interface WorkspaceBuildRow {
  id: string;
  workspace_id: string;
  template_version_id: string;
  build_number: number;
  transition: 'start' | 'stop' | 'delete';
  initiator_id: string;
  job_id: string;
  deadline: Date;
  max_deadline: Date;
  reason:
    'initiator' | 'autostart' | 'autostop' | 'dormancy' | 'failedstop' | 'autodelete' | 'dashboard' | 'cli';
  daily_cost: number;
  created_at: Date;
  updated_at: Date;
}

/** A build with the names its API shape shows; the state bytes are read separately. */
export interface WorkspaceBuildWithNamesRow extends WorkspaceBuildRow {
  workspace_name: string;
  workspace_owner_id: string;
  workspace_owner_username: string;
  workspace_owner_avatar_url: string;
  workspace_organization_id: string;
  workspace_template_id: string;
  template_version_name: string;
  initiator_username: string;
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
  auth_token_hash: Buffer;
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

export interface WorkspaceAgentLogRow {
  /** bigserial: pg returns it as a string. */
  id: string;
  agent_id: string;
  created_at: Date;
  output: string;
  level: LogLevel;
  log_source_id: string;
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

/** One `hangar server` process of the deployment (see migration 000006). */
export interface ReplicaRow {
  id: string;
  created_at: Date;
  started_at: Date;
  stopped_at: Date | null;
  updated_at: Date;
  hostname: string;
  region_id: number;
  relay_address: string;
  /** Microseconds. */
  database_latency: number;
  version: string;
  error: string;
}
