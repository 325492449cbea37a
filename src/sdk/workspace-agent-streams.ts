/**
 * Wire types of the user-side agent streams (Coder's codersdk/workspaceagents.go and
 * workspacesdk/agentconn.go): startup logs, live metadata and the web terminal's PTY protocol.
 */

export type WorkspaceAgentLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** One line of an agent's startup/script output (`GET /workspaceagents/{id}/logs`). */
export interface WorkspaceAgentLog {
  id: number;
  created_at: string;
  output: string;
  level: WorkspaceAgentLogLevel;
  /** The log source (one per script) it came from; see WorkspaceAgent.log_sources. */
  source_id: string;
}

/** One metadata item as `GET /workspaceagents/{id}/watch-metadata` sends it (`event: data`, a list). */
export interface WorkspaceAgentMetadata {
  description: {
    display_name: string;
    key: string;
    script: string;
    interval: number;
    timeout: number;
  };
  result: {
    collected_at: string;
    /** Seconds since collected_at, as the server saw it. */
    age: number;
    value: string;
    error: string;
  };
}

/**
 * What a web terminal sends on `GET /workspaceagents/{id}/pty` (each a JSON text in a binary
 * frame): keystrokes, a resize, or both. The server answers with the terminal's raw bytes.
 */
export interface ReconnectingPTYRequest {
  data?: string;
  height?: number;
  width?: number;
}

export interface PtyOptions {
  /** Same id after a reconnect reattaches to the same session. */
  reconnect: string;
  width: number;
  height: number;
  command?: string;
}
