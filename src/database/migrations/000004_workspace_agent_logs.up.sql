-- What a running agent reports (coder-behaviour.md §2.1, §2.4): the output of its scripts, line by
-- line under each script's log source. Unlogged as in Coder: high churn, and losing the lines of a
-- crash is acceptable; the total per agent is capped by workspace_agents.logs_length.
CREATE UNLOGGED TABLE workspace_agent_logs (
    id bigserial PRIMARY KEY,
    agent_id uuid NOT NULL,
    created_at timestamptz NOT NULL,
    output varchar(1024) NOT NULL,
    level log_level NOT NULL DEFAULT 'info',
    log_source_id uuid NOT NULL,
    -- A line always belongs to a source of its own agent (a script's, or "External").
    FOREIGN KEY (agent_id, log_source_id)
        REFERENCES workspace_agent_log_sources (workspace_agent_id, id) ON DELETE CASCADE
);
-- Readers page by agent and id (`after=`), the follow stream re-reads `id > last sent`.
CREATE INDEX workspace_agent_logs_agent_idx ON workspace_agent_logs (agent_id, id);
