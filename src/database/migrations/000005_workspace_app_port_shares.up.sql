-- Port sharing (Coder's workspace_agent_port_share): a sharing level per (workspace, agent, port)
-- for dev URLs, capped at use by the template's max_port_sharing_level.

CREATE TYPE port_share_protocol AS ENUM ('http', 'https');

CREATE TABLE workspace_agent_port_share (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- The agent by name, so a share outlives the agent rows of one build.
    agent_name varchar(64) NOT NULL,
    port integer NOT NULL CHECK (port >= 9 AND port <= 65535),
    share_level app_sharing_level NOT NULL,
    protocol port_share_protocol NOT NULL DEFAULT 'http',
    PRIMARY KEY (workspace_id, agent_name, port)
);
