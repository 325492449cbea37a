/** Workspace calls of the API client: workspaces, builds, their logs and state. */
import type { Client } from './client.js';
import type { ProvisionerJobLog } from './provisioner-jobs.js';
import type {
  CreateWorkspaceBuildRequest,
  CreateWorkspaceRequest,
  Workspace,
  WorkspaceBuild,
  WorkspaceBuildParameter,
  WorkspaceResource,
  WorkspacesResponse,
  UpdateWorkspaceAutostartRequest,
  UpdateWorkspaceRequest,
  UpdateWorkspaceTTLRequest,
} from './workspaces.js';

const seg = encodeURIComponent;

export interface WorkspaceFilter {
  /** Coder's search syntax: `owner:me status:running template:x name:y`. */
  q?: string;
  limit?: number;
  offset?: number;
}

export class WorkspacesClient {
  constructor(private readonly client: Client) {}

  create(user: string, req: CreateWorkspaceRequest): Promise<Workspace> {
    return this.client.request('POST', `/users/${seg(user)}/workspaces`, req);
  }

  list(filter: WorkspaceFilter = {}): Promise<WorkspacesResponse> {
    return this.client.request('GET', '/workspaces', undefined, { query: { ...filter } });
  }

  get(id: string, opts: { includeDeleted?: boolean } = {}): Promise<Workspace> {
    return this.client.request('GET', `/workspaces/${seg(id)}`, undefined, {
      query: { include_deleted: opts.includeDeleted ? 'true' : undefined },
    });
  }

  getByOwnerAndName(owner: string, name: string): Promise<Workspace> {
    return this.client.request('GET', `/users/${seg(owner)}/workspace/${seg(name)}`);
  }

  createInOrganization(organization: string, user: string, req: CreateWorkspaceRequest): Promise<Workspace> {
    return this.client.request(
      'POST',
      `/organizations/${seg(organization)}/members/${seg(user)}/workspaces`,
      req,
    );
  }

  buildByNumber(owner: string, name: string, buildNumber: number): Promise<WorkspaceBuild> {
    return this.client.request('GET', `/users/${seg(owner)}/workspace/${seg(name)}/builds/${buildNumber}`);
  }

  update(id: string, req: UpdateWorkspaceRequest): Promise<void> {
    return this.client.request('PATCH', `/workspaces/${seg(id)}`, req);
  }

  putTTL(id: string, req: UpdateWorkspaceTTLRequest): Promise<void> {
    return this.client.request('PUT', `/workspaces/${seg(id)}/ttl`, req);
  }

  putAutostart(id: string, req: UpdateWorkspaceAutostartRequest): Promise<void> {
    return this.client.request('PUT', `/workspaces/${seg(id)}/autostart`, req);
  }

  createBuild(workspaceId: string, req: CreateWorkspaceBuildRequest): Promise<WorkspaceBuild> {
    return this.client.request('POST', `/workspaces/${seg(workspaceId)}/builds`, req);
  }

  builds(workspaceId: string): Promise<WorkspaceBuild[]> {
    return this.client.request('GET', `/workspaces/${seg(workspaceId)}/builds`);
  }

  build(buildId: string): Promise<WorkspaceBuild> {
    return this.client.request('GET', `/workspacebuilds/${seg(buildId)}`);
  }

  cancelBuild(buildId: string): Promise<{ message: string }> {
    return this.client.request('PATCH', `/workspacebuilds/${seg(buildId)}/cancel`);
  }

  buildLogs(buildId: string, after = 0): Promise<ProvisionerJobLog[]> {
    return this.client.request('GET', `/workspacebuilds/${seg(buildId)}/logs`, undefined, {
      query: { after },
    });
  }

  /** WebSocket URL streaming the build's logs after `after` until the build ends. */
  followBuildLogsUrl(buildId: string, after = 0): URL {
    return this.client.websocketUrl(`/workspacebuilds/${seg(buildId)}/logs`, { follow: 'true', after });
  }

  buildParameters(buildId: string): Promise<WorkspaceBuildParameter[]> {
    return this.client.request('GET', `/workspacebuilds/${seg(buildId)}/parameters`);
  }

  buildResources(buildId: string): Promise<WorkspaceResource[]> {
    return this.client.request('GET', `/workspacebuilds/${seg(buildId)}/resources`);
  }

  async buildState(buildId: string): Promise<Uint8Array> {
    const res = await this.client.fetchRaw('GET', `/workspacebuilds/${seg(buildId)}/state`);
    return new Uint8Array(await res.arrayBuffer());
  }

  putBuildState(buildId: string, state: Uint8Array): Promise<void> {
    return this.client.request('PUT', `/workspacebuilds/${seg(buildId)}/state`, undefined, {
      rawBody: state,
      contentType: 'application/json',
    });
  }

  /** URL of the server-sent events stream of workspace changes (`data:` is a Workspace). */
  watchUrl(workspaceId: string): URL {
    return this.client.apiUrl(`/workspaces/${seg(workspaceId)}/watch`);
  }
}
