// The Terraform provisioner wired as a daemon wires it (the real coder provider in-process), plus
// jobs built from template directories and a ProvisionContext that records logs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogLevel } from '../../src/sdk/provisioner-jobs.js';
import type { JobPayload, ProvisionContext, ProvisionMetadata } from '../../src/sdk/provisioner.js';
import type { AcquiredJob } from '../../src/sdk/provisionerd-protocol.js';
import { packTemplateDirectory } from '../../src/sdk/template-archive.js';
import {
  terraformProvisioner,
  type TerraformProvisionerOptions,
} from '../../src/provisioner/terraform/index.js';
import { startProviderServer } from '../../src/tfprovider/provider-server.js';

export const coderProviderHost: TerraformProvisionerOptions['provider'] = {
  start: (env) => startProviderServer({ env }),
};

export async function testTerraformProvisioner(options: Partial<TerraformProvisionerOptions> = {}) {
  const cacheDir = await mkdtemp(join(tmpdir(), 'hangar-tf-cache-'));
  const provisioner = terraformProvisioner({ cacheDir, provider: coderProviderHost, ...options });
  return {
    provisioner,
    cacheDir,
    [Symbol.asyncDispose]: () => rm(cacheDir, { recursive: true, force: true }),
  };
}

export function testMetadata(overrides: Partial<ProvisionMetadata> = {}): ProvisionMetadata {
  return {
    coder_url: 'http://127.0.0.1:3000/',
    workspace_transition: 'start',
    workspace_name: 'dev',
    workspace_id: '6f1c8a52-1f0e-4d53-9a55-2f3c0c1d0a01',
    workspace_build_id: '0d6b1b4e-6a40-4f36-8f55-2f3d0c1d0a02',
    workspace_owner: 'alice',
    workspace_owner_id: '9a1e2b3c-4d5e-4f60-8a7b-8c9d0e1f2a03',
    workspace_owner_email: 'alice@example.com',
    workspace_owner_name: 'Alice Liddell',
    workspace_owner_login_type: 'password',
    workspace_owner_groups: ['Everyone'],
    workspace_owner_session_token: 'session-token',
    workspace_owner_ssh_public_key: 'ssh-ed25519 AAAA',
    workspace_owner_ssh_private_key: 'private',
    template_id: '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c05',
    template_name: 'local',
    template_version: 'v1',
    ...overrides,
  };
}

/** A workspace build payload; `testMetadata()` with the given transition and overrides. */
export function buildPayload(
  o: {
    transition?: ProvisionMetadata['workspace_transition'];
    state?: string;
    parameters?: { name: string; value: string }[];
    variables?: { name: string; value: string }[];
    metadata?: Partial<ProvisionMetadata>;
  } = {},
): JobPayload {
  return {
    type: 'workspace_build',
    state: o.state,
    rich_parameter_values: o.parameters ?? [],
    variable_values: o.variables ?? [],
    metadata: testMetadata({ workspace_transition: o.transition ?? 'start', ...o.metadata }),
  };
}

export async function terraformJob(templateDir: string, payload: JobPayload): Promise<AcquiredJob> {
  return {
    job_id: crypto.randomUUID(),
    created_at: new Date().toISOString(),
    provisioner: 'terraform',
    type: payload.type,
    organization_id: crypto.randomUUID(),
    initiator_id: crypto.randomUUID(),
    tags: {},
    input: {},
    template_source_archive: (await packTemplateDirectory(templateDir)).toString('base64'),
    payload,
  };
}

export interface RecordedLog {
  level: LogLevel;
  stage: string;
  output: string;
}

export function recordingContext() {
  const logs: RecordedLog[] = [];
  const canceled = new AbortController();
  const killed = new AbortController();
  const ctx: ProvisionContext = {
    log: (level, stage, output) => logs.push({ level, stage, output }),
    canceled: canceled.signal,
    killed: killed.signal,
  };
  return {
    ctx,
    logs,
    text: () => logs.map((l) => `[${l.level}] ${l.stage}: ${l.output}`).join('\n'),
    cancel: () => canceled.abort(new Error('canceled')),
    kill: () => killed.abort(new Error('killed')),
  };
}
