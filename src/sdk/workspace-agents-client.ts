/** Workspace agent calls of the API client, as a user sees an agent: state, logs, metadata, ports. */
import type { Client } from './client.js';
import type { WorkspaceAgentListeningPortsResponse, WorkspaceAgentLog } from './workspace-agents.js';
import type { WorkspaceAgent } from './workspaces.js';

const seg = encodeURIComponent;

export class WorkspaceAgentsClient {
  constructor(private readonly client: Client) {}

  get(id: string): Promise<WorkspaceAgent> {
    return this.client.request('GET', `/workspaceagents/${seg(id)}`);
  }

  /** The agent's log lines after id `after`. */
  logs(id: string, after = 0): Promise<WorkspaceAgentLog[]> {
    return this.client.request('GET', `/workspaceagents/${seg(id)}/logs`, undefined, { query: { after } });
  }

  /** WebSocket URL streaming JSON arrays of log lines after `after`, until the agent is replaced. */
  followLogsUrl(id: string, after = 0): URL {
    return this.client.websocketUrl(`/workspaceagents/${seg(id)}/logs`, { follow: 'true', after });
  }

  listeningPorts(id: string): Promise<WorkspaceAgentListeningPortsResponse> {
    return this.client.request('GET', `/workspaceagents/${seg(id)}/listening-ports`);
  }

  /** URL of the server-sent events stream of metadata (`data:` is a WorkspaceAgentMetadata[]). */
  watchMetadataUrl(id: string): URL {
    return this.client.apiUrl(`/workspaceagents/${seg(id)}/watch-metadata`);
  }
}
