/** The agent's API client: its token goes where a session token would (Coder's agentsdk.Client). */
import { Client } from './client.js';
import type {
  AgentManifest,
  PatchLogsRequest,
  PostLifecycleRequest,
  PostMetadataRequest,
  PostStartupRequest,
  PostStatsRequest,
  PostStatsResponse,
} from './agent-api.js';
import type { PostAppHealthsRequest } from './workspace-apps.js';

export class AgentClient extends Client {
  manifest(): Promise<AgentManifest> {
    return this.request('GET', '/workspaceagents/me/manifest');
  }

  postLifecycle(req: PostLifecycleRequest): Promise<void> {
    return this.request('POST', '/workspaceagents/me/report-lifecycle', req);
  }

  postStartup(req: PostStartupRequest): Promise<void> {
    return this.request('POST', '/workspaceagents/me/startup', req);
  }

  patchLogs(req: PatchLogsRequest): Promise<void> {
    return this.request('PATCH', '/workspaceagents/me/logs', req);
  }

  postMetadata(req: PostMetadataRequest): Promise<void> {
    return this.request('POST', '/workspaceagents/me/metadata', req);
  }

  postAppHealth(req: PostAppHealthsRequest): Promise<void> {
    return this.request('POST', '/workspaceagents/me/app-health', req);
  }

  postStats(req: PostStatsRequest): Promise<PostStatsResponse> {
    return this.request('POST', '/workspaceagents/me/report-stats', req);
  }

  /** The control connection: open while the agent runs; coderd marks the agent connected. */
  rpcUrl(): URL {
    return this.websocketUrl('/workspaceagents/me/rpc');
  }

  /** Where the agent dials back for one stream coderd asked for (raw Upgrade, ADR 0053). */
  dialbackUrl(stream: string): URL {
    return this.apiUrl('/workspaceagents/me/dialback', { stream });
  }
}
