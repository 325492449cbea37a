/** The client with every resource attached: `new HangarClient(url, token).users.get('me')`. */
import { Client } from './client.js';
import type { BuildInfoResponse, HealthcheckReport } from './deployment.js';
import type { Organization, OrganizationMemberWithUserData } from './organizations.js';
import type { Replica } from './replicas.js';
import { UsersClient } from './users-client.js';
import { ProvisionerClient } from './provisioner-client.js';
import { TemplatesClient } from './templates-client.js';
import { WorkspacesClient } from './workspaces-client.js';
import { WorkspaceAgentsClient } from './workspace-agents-client.js';
import { WorkspaceAppsClient } from './workspace-apps-client.js';

export class HangarClient extends Client {
  readonly users = new UsersClient(this);
  readonly provisioners = new ProvisionerClient(this);
  readonly templates = new TemplatesClient(this);
  readonly workspaces = new WorkspacesClient(this);
  readonly agents = new WorkspaceAgentsClient(this);
  readonly apps = new WorkspaceAppsClient(this);

  buildInfo(): Promise<BuildInfoResponse> {
    return this.request('GET', '/buildinfo');
  }

  health(): Promise<HealthcheckReport> {
    return this.request('GET', '/debug/health');
  }

  /** The live replicas of the deployment (owners only). */
  replicas(): Promise<Replica[]> {
    return this.request('GET', '/replicas');
  }

  organizations(): Promise<Organization[]> {
    return this.request('GET', '/organizations');
  }

  organization(nameOrId: string): Promise<Organization> {
    return this.request('GET', `/organizations/${encodeURIComponent(nameOrId)}`);
  }

  organizationMembers(nameOrId: string): Promise<OrganizationMemberWithUserData[]> {
    return this.request('GET', `/organizations/${encodeURIComponent(nameOrId)}/members`);
  }
}
