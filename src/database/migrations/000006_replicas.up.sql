-- The `hangar server` processes (replicas) of one deployment (coder-behaviour.md §11.1). Each
-- inserts its row at start, rewrites it every few seconds (the heartbeat, with its measured
-- database latency and any error reaching its peers) and sets stopped_at on a clean shutdown.
-- A row not updated for three heartbeats is a dead replica; rows idle for long are deleted.
CREATE TABLE replicas (
    id uuid PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz NOT NULL,
    stopped_at timestamptz,
    updated_at timestamptz NOT NULL,
    hostname text NOT NULL,
    region_id integer NOT NULL DEFAULT 0,
    -- Where the other replicas reach this one directly (never the load-balanced access URL).
    relay_address text NOT NULL,
    -- Microseconds for a `SELECT 1`, as Coder reports it.
    database_latency integer NOT NULL,
    version text NOT NULL,
    error text NOT NULL DEFAULT ''
);
CREATE INDEX replicas_updated_at_idx ON replicas (updated_at);
