/** User-side workspace agent calls of the API client: the agent, its logs, metadata and terminal. */
import type { Client } from './client.js';
import type { WorkspaceAgent } from './workspaces.js';
import type { PtyOptions, WorkspaceAgentLog } from './workspace-agent-streams.js';

const seg = encodeURIComponent;

export class WorkspaceAgentsClient {
  constructor(private readonly client: Client) {}

  get(id: string): Promise<WorkspaceAgent> {
    return this.client.request('GET', `/workspaceagents/${seg(id)}`);
  }

  logs(id: string, after = 0): Promise<WorkspaceAgentLog[]> {
    return this.client.request('GET', `/workspaceagents/${seg(id)}/logs`, undefined, { query: { after } });
  }

  /** WebSocket URL streaming log lines after `after` (each message a JSON list of lines). */
  followLogsUrl(id: string, after = 0): URL {
    return this.client.websocketUrl(`/workspaceagents/${seg(id)}/logs`, { follow: 'true', after });
  }

  /** Server-sent events URL: each `data` event is the agent's WorkspaceAgentMetadata list. */
  watchMetadataUrl(id: string): URL {
    return this.client.apiUrl(`/workspaceagents/${seg(id)}/watch-metadata`);
  }

  /** WebSocket URL of a web terminal session (see ReconnectingPTYRequest for the protocol). */
  ptyUrl(id: string, opts: PtyOptions): URL {
    return this.client.websocketUrl(`/workspaceagents/${seg(id)}/pty`, { ...opts });
  }
}
