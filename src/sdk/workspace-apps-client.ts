/** Workspace app calls of the API client: the app host, port sharing, the web terminal's URL. */
import type { Client } from './client.js';
import type {
  AppHostResponse,
  DeleteWorkspaceAgentPortShareRequest,
  UpsertWorkspaceAgentPortShareRequest,
  WorkspaceAgentPortShare,
  WorkspaceAgentPortShares,
} from './workspace-apps.js';

const seg = encodeURIComponent;

export interface TerminalOptions {
  /** The same id reattaches to the session and replays its recent output. */
  reconnect: string;
  width?: number;
  height?: number;
  /** Run this instead of a login shell. */
  command?: string;
}

export class WorkspaceAppsClient {
  constructor(private readonly client: Client) {}

  /** The wildcard host of subdomain apps (`*.apps.example.com`), or '' when not configured. */
  async appHost(): Promise<string> {
    return (await this.client.request<AppHostResponse>('GET', '/applications/host')).host;
  }

  portShares(workspaceId: string): Promise<WorkspaceAgentPortShares> {
    return this.client.request('GET', `/workspaces/${seg(workspaceId)}/port-share`);
  }

  upsertPortShare(
    workspaceId: string,
    req: UpsertWorkspaceAgentPortShareRequest,
  ): Promise<WorkspaceAgentPortShare> {
    return this.client.request('POST', `/workspaces/${seg(workspaceId)}/port-share`, req);
  }

  deletePortShare(workspaceId: string, req: DeleteWorkspaceAgentPortShareRequest): Promise<void> {
    return this.client.request('DELETE', `/workspaces/${seg(workspaceId)}/port-share`, req);
  }

  /** The web terminal's WebSocket URL (messages: JSON `{data}` / `{height, width}` in, raw bytes out). */
  terminalUrl(agentId: string, opts: TerminalOptions): URL {
    return this.client.websocketUrl(`/workspaceagents/${seg(agentId)}/pty`, {
      reconnect: opts.reconnect,
      width: opts.width,
      height: opts.height,
      command: opts.command || undefined,
    });
  }
}
