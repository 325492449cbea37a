-- Provisioning: the job queue, its logs, the daemons that run jobs and the keys they authenticate with.

CREATE TYPE provisioner_type AS ENUM ('echo', 'terraform');
CREATE TYPE provisioner_job_type AS ENUM ('template_version_import', 'workspace_build', 'template_version_dry_run');
CREATE TYPE log_level AS ENUM ('trace', 'debug', 'info', 'warn', 'error');
CREATE TYPE log_source AS ENUM ('provisioner_daemon', 'provisioner');

-- Coder's tag rule (coder-behaviour.md §1.2): an untagged job (only the implicit tags) runs only on
-- an untagged daemon; any other job runs on daemons whose tags are a superset of its own.
CREATE FUNCTION provisioner_tagset_contains(provisioner_tags jsonb, job_tags jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT CASE
        WHEN job_tags = '{"scope": "organization", "owner": ""}'::jsonb THEN provisioner_tags = job_tags
        ELSE provisioner_tags @> job_tags
    END
$$;

CREATE TABLE provisioner_keys (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    -- SHA-256 of the secret; the secret itself is shown once at creation.
    hashed_secret bytea NOT NULL,
    tags jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX provisioner_keys_name_key ON provisioner_keys (organization_id, lower(name));

CREATE TABLE provisioner_daemons (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name text NOT NULL,
    provisioners provisioner_type[] NOT NULL,
    tags jsonb NOT NULL,
    key_id uuid REFERENCES provisioner_keys (id) ON DELETE SET NULL,
    version text NOT NULL DEFAULT '',
    api_version text NOT NULL DEFAULT '1.0',
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now()
);
-- A daemon reconnecting under its name reuses its row, as Coder upserts by name and organization.
CREATE UNIQUE INDEX provisioner_daemons_name_key ON provisioner_daemons (organization_id, lower(name));

CREATE TABLE provisioner_jobs (
    id uuid PRIMARY KEY,
    -- clock_timestamp keeps FIFO order strict between jobs posted in one transaction.
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    started_at timestamptz,
    canceled_at timestamptz,
    completed_at timestamptz,
    error text,
    error_code text,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    initiator_id uuid NOT NULL REFERENCES users (id),
    provisioner provisioner_type NOT NULL,
    type provisioner_job_type NOT NULL,
    input jsonb NOT NULL DEFAULT '{}',
    -- The template archive; nullable until templates and files exist.
    file_id uuid,
    worker_id uuid REFERENCES provisioner_daemons (id) ON DELETE SET NULL,
    tags jsonb NOT NULL DEFAULT '{"scope": "organization", "owner": ""}',
    logs_length integer NOT NULL DEFAULT 0 CHECK (logs_length <= 1048576),
    logs_overflowed boolean NOT NULL DEFAULT false,
    -- Derived exactly as Coder's generated job_status column (coder-behaviour.md §2.2).
    job_status text GENERATED ALWAYS AS (
        CASE
            WHEN completed_at IS NOT NULL THEN
                CASE
                    WHEN coalesce(error, '') <> '' THEN 'failed'
                    WHEN canceled_at IS NOT NULL THEN 'canceled'
                    ELSE 'succeeded'
                END
            WHEN coalesce(error, '') <> '' THEN 'failed'
            WHEN canceled_at IS NOT NULL THEN 'canceling'
            WHEN started_at IS NULL THEN 'pending'
            ELSE 'running'
        END
    ) STORED
);
-- The acquire query scans only queued jobs, oldest first.
CREATE INDEX provisioner_jobs_queue_idx ON provisioner_jobs (organization_id, created_at, id)
    WHERE started_at IS NULL AND completed_at IS NULL;
-- The reaper looks for running jobs by their last heartbeat.
CREATE INDEX provisioner_jobs_running_idx ON provisioner_jobs (updated_at)
    WHERE started_at IS NOT NULL AND completed_at IS NULL;
CREATE INDEX provisioner_jobs_org_created_idx ON provisioner_jobs (organization_id, created_at DESC);

CREATE TABLE provisioner_job_logs (
    id bigserial PRIMARY KEY,
    job_id uuid NOT NULL REFERENCES provisioner_jobs (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    source log_source NOT NULL,
    level log_level NOT NULL,
    stage varchar(128) NOT NULL,
    output varchar(1024) NOT NULL
);
CREATE INDEX provisioner_job_logs_job_idx ON provisioner_job_logs (job_id, id);
