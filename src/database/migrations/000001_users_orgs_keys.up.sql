-- Identity: users, the default organization and its members, API keys, deployment settings.

CREATE TYPE user_status AS ENUM ('active', 'suspended', 'dormant');
CREATE TYPE login_type AS ENUM ('password', 'token', 'none');
CREATE TYPE api_key_scope AS ENUM ('all', 'application_connect');

CREATE TABLE users (
    id uuid PRIMARY KEY,
    email text NOT NULL,
    username text NOT NULL CHECK (length(username) BETWEEN 1 AND 32),
    name text NOT NULL DEFAULT '',
    -- argon2id PHC string; empty for users who cannot log in with a password.
    hashed_password text NOT NULL DEFAULT '',
    status user_status NOT NULL DEFAULT 'active',
    rbac_roles text[] NOT NULL DEFAULT '{}',
    login_type login_type NOT NULL DEFAULT 'password',
    avatar_url text NOT NULL DEFAULT '',
    deleted boolean NOT NULL DEFAULT false,
    last_seen_at timestamptz NOT NULL DEFAULT '0001-01-01 00:00:00+00',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- Deleted users free their username and email, as in Coder.
CREATE UNIQUE INDEX users_username_key ON users (lower(username)) WHERE NOT deleted;
CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE NOT deleted;

CREATE TABLE organizations (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    display_name text NOT NULL DEFAULT '',
    description text NOT NULL DEFAULT '',
    icon text NOT NULL DEFAULT '',
    is_default boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX organizations_name_key ON organizations (lower(name));
CREATE UNIQUE INDEX organizations_single_default ON organizations ((true)) WHERE is_default;

CREATE TABLE organization_members (
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    roles text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX organization_members_user_idx ON organization_members (user_id);

CREATE TABLE api_keys (
    -- The public half of the token `<id>-<secret>`; only a SHA-256 of the secret is stored.
    id text PRIMARY KEY,
    hashed_secret bytea NOT NULL,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_used timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    lifetime_seconds bigint NOT NULL,
    login_type login_type NOT NULL,
    scope api_key_scope NOT NULL DEFAULT 'all',
    token_name text NOT NULL DEFAULT '',
    ip_address inet,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_user_idx ON api_keys (user_id);
CREATE UNIQUE INDEX api_keys_token_name_key ON api_keys (user_id, token_name) WHERE token_name <> '';

-- Small deployment-wide values (deployment id, ...) keyed by name.
CREATE TABLE site_configs (
    key text PRIMARY KEY,
    value text NOT NULL
);
