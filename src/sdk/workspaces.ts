/**
 * Wire types for workspaces, builds and what a build provisioned (Coder's codersdk/workspaces.go,
 * workspacebuilds.go, workspaceagents.go, workspaceapps.go).
 */
import { z } from 'zod';
import type { ProvisionerJob } from './provisioner-jobs.js';

export const workspaceTransitions = ['start', 'stop', 'delete'] as const;
export type WorkspaceTransition = (typeof workspaceTransitions)[number];

export type WorkspaceStatus =
  | 'pending'
  | 'starting'
  | 'running'
  | 'stopping'
  | 'stopped'
  | 'failed'
  | 'canceling'
  | 'canceled'
  | 'deleting'
  | 'deleted';

export type BuildReason = 'initiator' | 'autostart' | 'autostop' | 'dormancy' | 'failedstop' | 'autodelete';

export const workspaceName = z
  .string()
  .min(1, 'Must not be empty.')
  .max(32, 'Must be at most 32 characters.')
  .regex(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/, 'Must be alphanumeric with single hyphens.')
  .refine((s) => !s.includes('--'), 'Must not contain "--".');

export interface WorkspaceBuildParameter {
  name: string;
  value: string;
}
const buildParameter = z.strictObject({ name: z.string().min(1), value: z.string() });

/** `POST /users/{user}/workspaces` (also `/organizations/{org}/members/{user}/workspaces`). */
export const CreateWorkspaceRequest = z
  .strictObject({
    template_id: z.uuid().optional(),
    template_version_id: z.uuid().optional(),
    name: workspaceName,
    autostart_schedule: z.string().max(256).optional(),
    ttl_ms: z.number().int().min(0).optional(),
    rich_parameter_values: z.array(buildParameter).optional(),
    automatic_updates: z.enum(['always', 'never']).optional(),
  })
  .refine((r) => (r.template_id ? 1 : 0) + (r.template_version_id ? 1 : 0) === 1, {
    message: 'Exactly one of template_id and template_version_id is required.',
    path: ['template_id'],
  });
export type CreateWorkspaceRequest = z.infer<typeof CreateWorkspaceRequest>;

/** `POST /workspaces/{id}/builds`. */
export const CreateWorkspaceBuildRequest = z.strictObject({
  transition: z.enum(workspaceTransitions),
  template_version_id: z.uuid().optional(),
  rich_parameter_values: z.array(buildParameter).optional(),
  dry_run: z.boolean().optional(),
  /** Base64 of a Terraform state to use instead of the previous build's (owners only). */
  state: z.string().optional(),
  /** Delete without running the provisioner (owners/template admins only). */
  orphan: z.boolean().optional(),
  log_level: z.enum(['debug']).optional(),
  reason: z.enum(['dashboard', 'cli']).optional(),
});
export type CreateWorkspaceBuildRequest = z.infer<typeof CreateWorkspaceBuildRequest>;

/** `PATCH /workspaces/{id}`: rename. */
export const UpdateWorkspaceRequest = z.strictObject({ name: workspaceName });
export type UpdateWorkspaceRequest = z.infer<typeof UpdateWorkspaceRequest>;

/** `PUT /workspaces/{id}/ttl`: null or 0 turns autostop off. */
export const UpdateWorkspaceTTLRequest = z.strictObject({ ttl_ms: z.number().int().min(0).nullable() });
export type UpdateWorkspaceTTLRequest = z.infer<typeof UpdateWorkspaceTTLRequest>;

/** `PUT /workspaces/{id}/autostart`: a weekly cron schedule, or null/empty to turn autostart off. */
export const UpdateWorkspaceAutostartRequest = z.strictObject({
  schedule: z.string().max(256).nullable().optional(),
});
export type UpdateWorkspaceAutostartRequest = z.infer<typeof UpdateWorkspaceAutostartRequest>;

/** `PUT /workspacebuilds/{id}/state`: the raw state bytes are the body. */

export interface WorkspaceResourceMetadata {
  key: string;
  value: string;
  sensitive: boolean;
}

export type WorkspaceAgentStatus = 'connecting' | 'connected' | 'disconnected' | 'timeout';
export type WorkspaceAgentLifecycle =
  | 'created'
  | 'starting'
  | 'start_timeout'
  | 'start_error'
  | 'ready'
  | 'shutting_down'
  | 'shutdown_timeout'
  | 'shutdown_error'
  | 'off';
export type WorkspaceAppHealth = 'disabled' | 'initializing' | 'healthy' | 'unhealthy';
export type WorkspaceAppSharingLevel = 'owner' | 'authenticated' | 'public';
export type DisplayApp =
  'vscode' | 'vscode_insiders' | 'web_terminal' | 'ssh_helper' | 'port_forwarding_helper';

export interface WorkspaceApp {
  id: string;
  url?: string;
  external: boolean;
  slug: string;
  display_name: string;
  command?: string;
  icon: string;
  subdomain: boolean;
  subdomain_name?: string;
  sharing_level: WorkspaceAppSharingLevel;
  healthcheck?: { url: string; interval: number; threshold: number };
  health: WorkspaceAppHealth;
  hidden: boolean;
  open_in: 'slim-window' | 'tab';
  group?: string;
}

export interface WorkspaceAgentScript {
  id: string;
  log_source_id: string;
  log_path: string;
  script: string;
  cron: string;
  run_on_start: boolean;
  run_on_stop: boolean;
  start_blocks_login: boolean;
  /** Nanoseconds, as Coder's time.Duration; 0 = no limit. */
  timeout: number;
  display_name: string;
}

export interface WorkspaceAgentMetadataDescription {
  key: string;
  display_name: string;
  script: string;
  interval: number;
  timeout: number;
}

export interface WorkspaceAgentLogSource {
  id: string;
  workspace_agent_id: string;
  created_at: string;
  display_name: string;
  icon: string;
}

export interface WorkspaceAgent {
  id: string;
  created_at: string;
  updated_at: string;
  first_connected_at?: string;
  last_connected_at?: string;
  disconnected_at?: string;
  started_at?: string;
  ready_at?: string;
  status: WorkspaceAgentStatus;
  lifecycle_state: WorkspaceAgentLifecycle;
  name: string;
  resource_id: string;
  instance_id?: string;
  architecture: string;
  environment_variables: Record<string, string>;
  operating_system: string;
  logs_length: number;
  logs_overflowed: boolean;
  directory: string;
  expanded_directory: string;
  version: string;
  api_version: string;
  apps: WorkspaceApp[];
  connection_timeout_seconds: number;
  troubleshooting_url: string;
  subsystems: string[];
  health: { healthy: boolean; reason?: string };
  display_apps: DisplayApp[];
  log_sources: WorkspaceAgentLogSource[];
  scripts: WorkspaceAgentScript[];
}

export interface WorkspaceResource {
  id: string;
  created_at: string;
  job_id: string;
  workspace_transition: WorkspaceTransition;
  type: string;
  name: string;
  hide: boolean;
  icon: string;
  instance_type?: string;
  agents: WorkspaceAgent[];
  metadata: WorkspaceResourceMetadata[];
  daily_cost: number;
}

export interface WorkspaceBuild {
  id: string;
  created_at: string;
  updated_at: string;
  workspace_id: string;
  workspace_name: string;
  workspace_owner_id: string;
  workspace_owner_name: string;
  workspace_owner_avatar_url: string;
  template_version_id: string;
  template_version_name: string;
  build_number: number;
  transition: WorkspaceTransition;
  initiator_id: string;
  initiator_name: string;
  job: ProvisionerJob;
  reason: BuildReason | 'dashboard' | 'cli';
  resources: WorkspaceResource[];
  deadline?: string;
  max_deadline?: string;
  status: WorkspaceStatus;
  daily_cost: number;
}

export interface Workspace {
  id: string;
  created_at: string;
  updated_at: string;
  owner_id: string;
  owner_name: string;
  owner_avatar_url: string;
  organization_id: string;
  organization_name: string;
  template_id: string;
  template_name: string;
  template_display_name: string;
  template_icon: string;
  template_allow_user_cancel_workspace_jobs: boolean;
  template_active_version_id: string;
  template_require_active_version: boolean;
  latest_build: WorkspaceBuild;
  outdated: boolean;
  name: string;
  autostart_schedule?: string;
  ttl_ms?: number;
  last_used_at: string;
  deleting_at?: string;
  dormant_at?: string;
  health: { healthy: boolean; failing_agents: string[] };
  automatic_updates: 'always' | 'never';
  allow_renames: boolean;
  favorite: boolean;
}

export interface WorkspacesResponse {
  workspaces: Workspace[];
  count: number;
}
