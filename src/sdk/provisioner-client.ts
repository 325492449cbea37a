/** Provisioner calls of the API client: jobs, logs, daemons and keys. */
import type { Client } from './client.js';
import type {
  CreateProvisionerKeyRequest,
  CreateProvisionerKeyResponse,
  ProvisionerDaemon,
  ProvisionerKey,
} from './provisioner-daemons.js';
import type {
  ListProvisionerJobsOptions,
  PostProvisionerJobRequest,
  ProvisionerJob,
  ProvisionerJobLog,
} from './provisioner-jobs.js';

const seg = encodeURIComponent;

export class ProvisionerClient {
  constructor(private readonly client: Client) {}

  postJob(org: string, req: PostProvisionerJobRequest): Promise<ProvisionerJob> {
    return this.client.request('POST', `/organizations/${seg(org)}/provisionerjobs`, req);
  }

  jobs(org: string, opts: ListProvisionerJobsOptions = {}): Promise<ProvisionerJob[]> {
    return this.client.request('GET', `/organizations/${seg(org)}/provisionerjobs`, undefined, {
      query: { limit: opts.limit, status: opts.status?.join(',') || undefined },
    });
  }

  job(org: string, id: string): Promise<ProvisionerJob> {
    return this.client.request('GET', `/organizations/${seg(org)}/provisionerjobs/${seg(id)}`);
  }

  cancelJob(org: string, id: string): Promise<{ message: string }> {
    return this.client.request('PATCH', `/organizations/${seg(org)}/provisionerjobs/${seg(id)}/cancel`);
  }

  jobLogs(id: string, after = 0): Promise<ProvisionerJobLog[]> {
    return this.client.request('GET', `/provisionerjobs/${seg(id)}/logs`, undefined, { query: { after } });
  }

  /** The WebSocket URL that streams a job's logs after `after` until the job ends. */
  followLogsUrl(id: string, after = 0): URL {
    return this.client.websocketUrl(`/provisionerjobs/${seg(id)}/logs`, { follow: 'true', after });
  }

  daemons(org: string): Promise<ProvisionerDaemon[]> {
    return this.client.request('GET', `/organizations/${seg(org)}/provisionerdaemons`);
  }

  createKey(org: string, req: CreateProvisionerKeyRequest): Promise<CreateProvisionerKeyResponse> {
    return this.client.request('POST', `/organizations/${seg(org)}/provisionerkeys`, req);
  }

  keys(org: string): Promise<ProvisionerKey[]> {
    return this.client.request('GET', `/organizations/${seg(org)}/provisionerkeys`);
  }

  deleteKey(org: string, name: string): Promise<void> {
    return this.client.request('DELETE', `/organizations/${seg(org)}/provisionerkeys/${seg(name)}`);
  }
}
