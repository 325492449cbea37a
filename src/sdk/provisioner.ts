/**
 * The interface every provisioner implements (echo now, Terraform later), so one daemon runs them
 * all. A simplification of Coder's Config → Parse → Plan → Apply session (coder-behaviour.md §3.4):
 * one call per job, logs through a callback, cancellation through signals (docs/adr/0021).
 */
import type { LogLevel, ProvisionerType } from './provisioner-jobs.js';
import type { AcquiredJob } from './provisionerd-protocol.js';
import type { TemplateVersionParameter, VariableValue } from './templates.js';
import type { WorkspaceBuildParameter } from './workspaces.js';

export interface ProvisionedApp {
  slug: string;
  display_name: string;
  command?: string;
  url?: string;
  icon: string;
  subdomain: boolean;
  healthcheck?: { url: string; interval: number; threshold: number };
  sharing_level: 'owner' | 'authenticated' | 'public';
  external: boolean;
  order: number;
  hidden: boolean;
  open_in: 'slim-window' | 'tab';
  group?: string;
}

export interface ProvisionedScript {
  display_name: string;
  icon: string;
  script: string;
  cron: string;
  start_blocks_login: boolean;
  run_on_start: boolean;
  run_on_stop: boolean;
  timeout_seconds: number;
  log_path: string;
}

export interface ProvisionedAgentMetadata {
  key: string;
  display_name: string;
  script: string;
  interval: number;
  timeout: number;
  order: number;
}

export interface ProvisionedAgent {
  /** The `coder_agent` resource id (known after apply). */
  id?: string;
  name: string;
  operating_system?: string;
  architecture?: string;
  directory?: string;
  /** From `env` on the agent and every `coder_env` attached to it. */
  env?: Record<string, string>;
  /** Token auth (the provider's `token`); absent for instance-identity auth. */
  auth_token?: string;
  instance_id?: string;
  connection_timeout_seconds?: number;
  troubleshooting_url?: string;
  motd_file?: string;
  apps?: ProvisionedApp[];
  scripts?: ProvisionedScript[];
  metadata?: ProvisionedAgentMetadata[];
  /** Which built-in apps the dashboard offers; Coder's defaults when the template is silent. */
  display_apps?: Record<
    'vscode' | 'vscode_insiders' | 'web_terminal' | 'ssh_helper' | 'port_forwarding_helper',
    boolean
  >;
  order?: number;
}

export interface ProvisionedResourceMetadata {
  key: string;
  value: string;
  sensitive: boolean;
  is_null: boolean;
}

export interface ProvisionedResource {
  name: string;
  type: string;
  agents?: ProvisionedAgent[];
  metadata?: ProvisionedResourceMetadata[];
  hide?: boolean;
  icon?: string;
  instance_type?: string;
  daily_cost?: number;
  module_path?: string;
}

/** A `variable` block of the template (Coder's TemplateVariable). */
export interface TemplateVariable {
  name: string;
  description: string;
  /** `string`, `number`, `bool` or another Terraform type expression. */
  type: string;
  default_value: string;
  required: boolean;
  sensitive: boolean;
}

/** A `coder_parameter` data source: TemplateVersionParameter without display defaults applied. */
export type RichParameter = TemplateVersionParameter;

export interface ProvisionResult {
  /** Build: what the apply produced. Import: what a start build would produce. */
  resources: ProvisionedResource[];
  /** Base64 Terraform state after the build, kept with the build and handed to the next one. */
  state?: string;
  /** Import only: what a stop build would leave (persistent resources). */
  stop_resources?: ProvisionedResource[];
  /** Import (and plan): the template's `coder_parameter`s in file order. */
  parameters?: RichParameter[];
  /** Import only: the template's Terraform variables. */
  variables?: TemplateVariable[];
  /** Import only: README.md of the template root. */
  readme?: string;
  external_auth_providers?: { id: string; optional: boolean }[];
}

/** What Terraform sees of the build (Coder's provisionersdk Metadata, coder-behaviour.md §3.4). */
export interface ProvisionMetadata {
  coder_url: string;
  workspace_transition: 'start' | 'stop' | 'destroy';
  workspace_name: string;
  workspace_id: string;
  workspace_build_id: string;
  workspace_owner: string;
  workspace_owner_id: string;
  workspace_owner_email: string;
  workspace_owner_name: string;
  workspace_owner_login_type: string;
  workspace_owner_groups: string[];
  workspace_owner_session_token: string;
  workspace_owner_ssh_public_key: string;
  workspace_owner_ssh_private_key: string;
  template_id: string;
  template_name: string;
  template_version: string;
}

/**
 * The typed payload coderd builds for a job when it is acquired (Coder's AcquiredJob oneof). Echo
 * jobs posted directly carry their script in `input` instead.
 */
export type JobPayload =
  | {
      type: 'template_version_import';
      user_variable_values: VariableValue[];
      metadata: ProvisionMetadata;
    }
  | {
      type: 'workspace_build';
      /** Base64 state of the previous build (or the one an owner pushed); absent for the first. */
      state?: string;
      rich_parameter_values: WorkspaceBuildParameter[];
      variable_values: VariableValue[];
      metadata: ProvisionMetadata;
      log_level?: 'debug';
    }
  | {
      type: 'template_version_dry_run';
      rich_parameter_values: WorkspaceBuildParameter[];
      variable_values: VariableValue[];
      metadata: ProvisionMetadata;
    };

export interface ProvisionContext {
  log(level: LogLevel, stage: string, output: string): void;
  /** Aborted on a graceful cancel: stop soon and reject (Terraform: SIGINT). */
  canceled: AbortSignal;
  /** Aborted when the grace period is over: stop at once (Terraform: SIGKILL). */
  killed: AbortSignal;
}

export interface Provisioner {
  readonly type: ProvisionerType;
  provision(job: AcquiredJob, ctx: ProvisionContext): Promise<ProvisionResult>;
}

/** A failure the provisioner reports on purpose (bad template, apply error); the job fails with it. */
export class ProvisionFailure extends Error {
  constructor(
    message: string,
    readonly errorCode?: string,
    /** Base64 state a failed apply left behind; kept so the next build can clean up. */
    readonly state?: string,
  ) {
    super(message);
    this.name = 'ProvisionFailure';
  }
}
