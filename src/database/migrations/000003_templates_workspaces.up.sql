-- Templates, workspaces, builds and what builds provision (coder-behaviour.md §2.1). Durations are
-- bigint nanoseconds as in Coder; the API speaks milliseconds.

CREATE TYPE workspace_transition AS ENUM ('start', 'stop', 'delete');
CREATE TYPE build_reason AS ENUM ('initiator', 'autostart', 'autostop', 'dormancy', 'failedstop', 'autodelete', 'dashboard', 'cli');
CREATE TYPE app_sharing_level AS ENUM ('owner', 'authenticated', 'public');
CREATE TYPE workspace_app_health AS ENUM ('disabled', 'initializing', 'healthy', 'unhealthy');
CREATE TYPE workspace_agent_lifecycle_state AS ENUM (
    'created', 'starting', 'start_timeout', 'start_error', 'ready',
    'shutting_down', 'shutdown_timeout', 'shutdown_error', 'off'
);
CREATE TYPE automatic_updates AS ENUM ('always', 'never');

-- Template archives, content-addressed per uploader as in Coder.
CREATE TABLE files (
    id uuid PRIMARY KEY,
    hash varchar(64) NOT NULL,
    created_by uuid NOT NULL REFERENCES users (id),
    mimetype varchar(64) NOT NULL,
    data bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX files_hash_created_by_key ON files (hash, created_by);

ALTER TABLE provisioner_jobs
    ADD CONSTRAINT provisioner_jobs_file_id_fkey FOREIGN KEY (file_id) REFERENCES files (id);

CREATE TABLE templates (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name varchar(64) NOT NULL,
    display_name varchar(64) NOT NULL DEFAULT '',
    description varchar(128) NOT NULL DEFAULT '',
    icon varchar(256) NOT NULL DEFAULT '',
    provisioner provisioner_type NOT NULL,
    -- Set in the same transaction as the first version is attached.
    active_version_id uuid NOT NULL,
    created_by uuid NOT NULL REFERENCES users (id),
    deleted boolean NOT NULL DEFAULT false,
    deprecated text NOT NULL DEFAULT '',
    default_ttl bigint NOT NULL DEFAULT 604800000000000,
    activity_bump bigint NOT NULL DEFAULT 3600000000000,
    autostop_requirement_days_of_week smallint NOT NULL DEFAULT 0,
    autostop_requirement_weeks bigint NOT NULL DEFAULT 0,
    autostart_block_days_of_week smallint NOT NULL DEFAULT 0,
    allow_user_autostart boolean NOT NULL DEFAULT true,
    allow_user_autostop boolean NOT NULL DEFAULT true,
    allow_user_cancel_workspace_jobs boolean NOT NULL DEFAULT true,
    failure_ttl bigint NOT NULL DEFAULT 0,
    time_til_dormant bigint NOT NULL DEFAULT 0,
    time_til_dormant_autodelete bigint NOT NULL DEFAULT 0,
    require_active_version boolean NOT NULL DEFAULT false,
    max_port_sharing_level app_sharing_level NOT NULL DEFAULT 'owner',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- A deleted template frees its name.
CREATE UNIQUE INDEX templates_organization_name_key ON templates (organization_id, lower(name)) WHERE NOT deleted;

CREATE TABLE template_versions (
    id uuid PRIMARY KEY,
    -- Null until the version is attached to a template (the first push creates version, then template).
    template_id uuid REFERENCES templates (id) ON DELETE CASCADE,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name varchar(64) NOT NULL,
    message varchar(1048576) NOT NULL DEFAULT '',
    readme varchar(1048576) NOT NULL DEFAULT '',
    job_id uuid NOT NULL UNIQUE REFERENCES provisioner_jobs (id),
    created_by uuid NOT NULL REFERENCES users (id),
    archived boolean NOT NULL DEFAULT false,
    external_auth_providers jsonb NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX template_versions_template_name_key ON template_versions (template_id, lower(name));
CREATE INDEX template_versions_template_idx ON template_versions (template_id, created_at);

ALTER TABLE templates
    ADD CONSTRAINT templates_active_version_fkey FOREIGN KEY (active_version_id)
    REFERENCES template_versions (id) DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE template_version_parameters (
    template_version_id uuid NOT NULL REFERENCES template_versions (id) ON DELETE CASCADE,
    name text NOT NULL,
    display_name text NOT NULL DEFAULT '',
    description text NOT NULL DEFAULT '',
    type text NOT NULL,
    mutable boolean NOT NULL,
    default_value text NOT NULL DEFAULT '',
    icon text NOT NULL DEFAULT '',
    options jsonb NOT NULL DEFAULT '[]',
    validation_regex text NOT NULL DEFAULT '',
    validation_min integer,
    validation_max integer,
    validation_error text NOT NULL DEFAULT '',
    validation_monotonic text NOT NULL DEFAULT '' CHECK (validation_monotonic IN ('', 'increasing', 'decreasing')),
    required boolean NOT NULL DEFAULT true,
    ephemeral boolean NOT NULL DEFAULT false,
    display_order integer NOT NULL DEFAULT 0,
    PRIMARY KEY (template_version_id, name)
);

CREATE TABLE template_version_variables (
    template_version_id uuid NOT NULL REFERENCES template_versions (id) ON DELETE CASCADE,
    name text NOT NULL,
    description text NOT NULL DEFAULT '',
    type text NOT NULL,
    value text NOT NULL DEFAULT '',
    default_value text NOT NULL DEFAULT '',
    required boolean NOT NULL DEFAULT false,
    sensitive boolean NOT NULL DEFAULT false,
    PRIMARY KEY (template_version_id, name)
);

CREATE TABLE workspaces (
    id uuid PRIMARY KEY,
    owner_id uuid NOT NULL REFERENCES users (id),
    organization_id uuid NOT NULL REFERENCES organizations (id),
    template_id uuid NOT NULL REFERENCES templates (id),
    name varchar(64) NOT NULL,
    deleted boolean NOT NULL DEFAULT false,
    autostart_schedule text,
    ttl bigint,
    last_used_at timestamptz NOT NULL DEFAULT now(),
    dormant_at timestamptz,
    deleting_at timestamptz,
    automatic_updates automatic_updates NOT NULL DEFAULT 'never',
    favorite boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- Names are unique per owner among live workspaces; a deleted workspace frees its name.
CREATE UNIQUE INDEX workspaces_owner_name_key ON workspaces (owner_id, lower(name)) WHERE NOT deleted;
CREATE INDEX workspaces_template_idx ON workspaces (template_id) WHERE NOT deleted;

CREATE TABLE workspace_builds (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    template_version_id uuid NOT NULL REFERENCES template_versions (id),
    build_number integer NOT NULL,
    transition workspace_transition NOT NULL,
    initiator_id uuid NOT NULL REFERENCES users (id),
    -- The full Terraform state after this build (or the previous build's until this one completes).
    provisioner_state bytea,
    job_id uuid NOT NULL UNIQUE REFERENCES provisioner_jobs (id),
    deadline timestamptz NOT NULL DEFAULT '0001-01-01 00:00:00+00',
    max_deadline timestamptz NOT NULL DEFAULT '0001-01-01 00:00:00+00',
    reason build_reason NOT NULL DEFAULT 'initiator',
    daily_cost integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, build_number)
);

CREATE TABLE workspace_build_parameters (
    workspace_build_id uuid NOT NULL REFERENCES workspace_builds (id) ON DELETE CASCADE,
    name text NOT NULL,
    value text NOT NULL,
    PRIMARY KEY (workspace_build_id, name)
);

-- What a job provisioned: builds and template imports (start and stop transitions) alike.
CREATE TABLE workspace_resources (
    id uuid PRIMARY KEY,
    job_id uuid NOT NULL REFERENCES provisioner_jobs (id) ON DELETE CASCADE,
    transition workspace_transition NOT NULL,
    type varchar(192) NOT NULL,
    name varchar(64) NOT NULL,
    hide boolean NOT NULL DEFAULT false,
    icon varchar(256) NOT NULL DEFAULT '',
    instance_type varchar(256),
    daily_cost integer NOT NULL DEFAULT 0,
    module_path text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workspace_resources_job_idx ON workspace_resources (job_id);

CREATE TABLE workspace_resource_metadata (
    workspace_resource_id uuid NOT NULL REFERENCES workspace_resources (id) ON DELETE CASCADE,
    key varchar(1024) NOT NULL,
    value varchar(65536),
    sensitive boolean NOT NULL DEFAULT false,
    display_order integer NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_resource_id, key)
);

CREATE TABLE workspace_agents (
    id uuid PRIMARY KEY,
    resource_id uuid NOT NULL REFERENCES workspace_resources (id) ON DELETE CASCADE,
    name varchar(64) NOT NULL,
    -- The agent authenticates with this token; the provider generates it, one per build.
    auth_token uuid NOT NULL,
    auth_instance_id varchar(64),
    architecture varchar(64) NOT NULL DEFAULT '',
    operating_system varchar(64) NOT NULL DEFAULT '',
    environment_variables jsonb NOT NULL DEFAULT '{}',
    directory varchar(4096) NOT NULL DEFAULT '',
    expanded_directory varchar(4096) NOT NULL DEFAULT '',
    version text NOT NULL DEFAULT '',
    api_version text NOT NULL DEFAULT '',
    first_connected_at timestamptz,
    last_connected_at timestamptz,
    disconnected_at timestamptz,
    last_connected_replica_id uuid,
    connection_timeout_seconds integer NOT NULL DEFAULT 120,
    troubleshooting_url text NOT NULL DEFAULT '',
    motd_file text NOT NULL DEFAULT '',
    lifecycle_state workspace_agent_lifecycle_state NOT NULL DEFAULT 'created',
    started_at timestamptz,
    ready_at timestamptz,
    logs_length integer NOT NULL DEFAULT 0 CHECK (logs_length <= 1048576),
    logs_overflowed boolean NOT NULL DEFAULT false,
    subsystems text[] NOT NULL DEFAULT '{}',
    display_apps text[] NOT NULL DEFAULT '{vscode,web_terminal,ssh_helper,port_forwarding_helper}',
    display_order integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workspace_agents_resource_idx ON workspace_agents (resource_id);
-- Not unique: an agent resource Terraform keeps across builds keeps its token.
CREATE INDEX workspace_agents_auth_token_idx ON workspace_agents (auth_token);

CREATE TABLE workspace_apps (
    id uuid PRIMARY KEY,
    agent_id uuid NOT NULL REFERENCES workspace_agents (id) ON DELETE CASCADE,
    slug varchar(64) NOT NULL,
    display_name varchar(64) NOT NULL,
    icon varchar(256) NOT NULL DEFAULT '',
    command varchar(65534),
    url varchar(65534),
    external boolean NOT NULL DEFAULT false,
    subdomain boolean NOT NULL DEFAULT false,
    sharing_level app_sharing_level NOT NULL DEFAULT 'owner',
    healthcheck_url text NOT NULL DEFAULT '',
    healthcheck_interval integer NOT NULL DEFAULT 0,
    healthcheck_threshold integer NOT NULL DEFAULT 0,
    health workspace_app_health NOT NULL DEFAULT 'disabled',
    display_order integer NOT NULL DEFAULT 0,
    hidden boolean NOT NULL DEFAULT false,
    open_in text NOT NULL DEFAULT 'slim-window',
    display_group text,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (agent_id, slug)
);

CREATE TABLE workspace_agent_log_sources (
    workspace_agent_id uuid NOT NULL REFERENCES workspace_agents (id) ON DELETE CASCADE,
    id uuid NOT NULL,
    display_name varchar(127) NOT NULL,
    icon text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_agent_id, id)
);

CREATE TABLE workspace_agent_scripts (
    id uuid PRIMARY KEY,
    workspace_agent_id uuid NOT NULL REFERENCES workspace_agents (id) ON DELETE CASCADE,
    log_source_id uuid NOT NULL,
    log_path text NOT NULL DEFAULT '',
    script text NOT NULL,
    cron text NOT NULL DEFAULT '',
    start_blocks_login boolean NOT NULL DEFAULT false,
    run_on_start boolean NOT NULL DEFAULT false,
    run_on_stop boolean NOT NULL DEFAULT false,
    timeout_seconds integer NOT NULL DEFAULT 0,
    display_name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workspace_agent_scripts_agent_idx ON workspace_agent_scripts (workspace_agent_id);

-- Agent metadata definitions from the template; values are reported by the agent (agent issue).
CREATE TABLE workspace_agent_metadata (
    workspace_agent_id uuid NOT NULL REFERENCES workspace_agents (id) ON DELETE CASCADE,
    key varchar(127) NOT NULL,
    display_name varchar(127) NOT NULL,
    script text NOT NULL,
    interval_seconds integer NOT NULL,
    timeout_seconds integer NOT NULL,
    display_order integer NOT NULL DEFAULT 0,
    value text NOT NULL DEFAULT '',
    error text NOT NULL DEFAULT '',
    collected_at timestamptz NOT NULL DEFAULT '0001-01-01 00:00:00+00',
    PRIMARY KEY (workspace_agent_id, key)
);
