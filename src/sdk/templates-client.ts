/** Template calls of the API client: files, templates, template versions and their import jobs. */
import type { Client } from './client.js';
import type { ProvisionerJob, ProvisionerJobLog } from './provisioner-jobs.js';
import type {
  CreateTemplateRequest,
  CreateTemplateVersionDryRunRequest,
  CreateTemplateVersionRequest,
  PatchTemplateVersionRequest,
  Template,
  TemplateVersion,
  TemplateVersionParameter,
  TemplateVersionVariable,
  UpdateTemplateMeta,
  UploadResponse,
} from './templates.js';
import type { WorkspaceResource } from './workspaces.js';

const seg = encodeURIComponent;

export class TemplatesClient {
  constructor(private readonly client: Client) {}

  /** Uploads a template tar; the same bytes uploaded twice by one user give the same id. */
  uploadFile(tar: Uint8Array): Promise<UploadResponse> {
    return this.client.request('POST', '/files', undefined, {
      rawBody: tar,
      contentType: 'application/x-tar',
    });
  }

  async downloadFile(id: string): Promise<Uint8Array> {
    const res = await this.client.fetchRaw('GET', `/files/${seg(id)}`);
    return new Uint8Array(await res.arrayBuffer());
  }

  createVersion(org: string, req: CreateTemplateVersionRequest): Promise<TemplateVersion> {
    return this.client.request('POST', `/organizations/${seg(org)}/templateversions`, req);
  }

  version(id: string): Promise<TemplateVersion> {
    return this.client.request('GET', `/templateversions/${seg(id)}`);
  }

  updateVersion(id: string, req: PatchTemplateVersionRequest): Promise<TemplateVersion> {
    return this.client.request('PATCH', `/templateversions/${seg(id)}`, req);
  }

  cancelVersion(id: string): Promise<{ message: string }> {
    return this.client.request('PATCH', `/templateversions/${seg(id)}/cancel`);
  }

  versionParameters(id: string): Promise<TemplateVersionParameter[]> {
    return this.client.request('GET', `/templateversions/${seg(id)}/rich-parameters`);
  }

  versionVariables(id: string): Promise<TemplateVersionVariable[]> {
    return this.client.request('GET', `/templateversions/${seg(id)}/variables`);
  }

  versionResources(id: string): Promise<WorkspaceResource[]> {
    return this.client.request('GET', `/templateversions/${seg(id)}/resources`);
  }

  versionLogs(id: string, after = 0): Promise<ProvisionerJobLog[]> {
    return this.client.request('GET', `/templateversions/${seg(id)}/logs`, undefined, { query: { after } });
  }

  /** WebSocket URL streaming the import job's logs after `after` until it ends. */
  followVersionLogsUrl(id: string, after = 0): URL {
    return this.client.websocketUrl(`/templateversions/${seg(id)}/logs`, { follow: 'true', after });
  }

  createDryRun(versionId: string, req: CreateTemplateVersionDryRunRequest): Promise<ProvisionerJob> {
    return this.client.request('POST', `/templateversions/${seg(versionId)}/dry-run`, req);
  }

  dryRun(versionId: string, jobId: string): Promise<ProvisionerJob> {
    return this.client.request('GET', `/templateversions/${seg(versionId)}/dry-run/${seg(jobId)}`);
  }

  dryRunLogs(versionId: string, jobId: string, after = 0): Promise<ProvisionerJobLog[]> {
    return this.client.request(
      'GET',
      `/templateversions/${seg(versionId)}/dry-run/${seg(jobId)}/logs`,
      undefined,
      { query: { after } },
    );
  }

  cancelDryRun(versionId: string, jobId: string): Promise<{ message: string }> {
    return this.client.request('PATCH', `/templateversions/${seg(versionId)}/dry-run/${seg(jobId)}/cancel`);
  }

  dryRunResources(versionId: string, jobId: string): Promise<WorkspaceResource[]> {
    return this.client.request('GET', `/templateversions/${seg(versionId)}/dry-run/${seg(jobId)}/resources`);
  }

  create(org: string, req: CreateTemplateRequest): Promise<Template> {
    return this.client.request('POST', `/organizations/${seg(org)}/templates`, req);
  }

  list(org?: string): Promise<Template[]> {
    return this.client.request('GET', org ? `/organizations/${seg(org)}/templates` : '/templates');
  }

  get(id: string): Promise<Template> {
    return this.client.request('GET', `/templates/${seg(id)}`);
  }

  getByName(org: string, name: string): Promise<Template> {
    return this.client.request('GET', `/organizations/${seg(org)}/templates/${seg(name)}`);
  }

  update(id: string, req: UpdateTemplateMeta): Promise<Template> {
    return this.client.request('PATCH', `/templates/${seg(id)}`, req);
  }

  delete(id: string): Promise<{ message: string }> {
    return this.client.request('DELETE', `/templates/${seg(id)}`);
  }

  versions(templateId: string): Promise<TemplateVersion[]> {
    return this.client.request('GET', `/templates/${seg(templateId)}/versions`);
  }

  versionByName(templateId: string, name: string): Promise<TemplateVersion> {
    return this.client.request('GET', `/templates/${seg(templateId)}/versions/${seg(name)}`);
  }

  /** Makes `versionId` the version new workspaces and updates use. */
  promote(templateId: string, versionId: string): Promise<{ message: string }> {
    return this.client.request('PATCH', `/templates/${seg(templateId)}/versions`, { id: versionId });
  }
}
