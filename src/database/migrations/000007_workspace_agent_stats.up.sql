-- Agent statistics (Coder's workspace_agent_stats): one row per report an agent sends on the
-- server's interval, with its connection counts, bytes and open sessions. Sessions count as
-- workspace activity (workspaces.last_used_at). Rows go with their workspace.

CREATE TABLE workspace_agent_stats (
    id uuid PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    user_id uuid NOT NULL REFERENCES users (id),
    agent_id uuid NOT NULL REFERENCES workspace_agents (id) ON DELETE CASCADE,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    template_id uuid NOT NULL REFERENCES templates (id) ON DELETE CASCADE,
    connections_by_proto jsonb NOT NULL DEFAULT '{}'::jsonb,
    connection_count bigint NOT NULL DEFAULT 0,
    rx_packets bigint NOT NULL DEFAULT 0,
    rx_bytes bigint NOT NULL DEFAULT 0,
    tx_packets bigint NOT NULL DEFAULT 0,
    tx_bytes bigint NOT NULL DEFAULT 0,
    connection_median_latency_ms double precision NOT NULL DEFAULT 0,
    session_count_vscode bigint NOT NULL DEFAULT 0,
    session_count_jetbrains bigint NOT NULL DEFAULT 0,
    session_count_reconnecting_pty bigint NOT NULL DEFAULT 0,
    session_count_ssh bigint NOT NULL DEFAULT 0
);
CREATE INDEX workspace_agent_stats_agent_idx ON workspace_agent_stats (agent_id, created_at);
CREATE INDEX workspace_agent_stats_template_idx ON workspace_agent_stats (template_id, created_at);
