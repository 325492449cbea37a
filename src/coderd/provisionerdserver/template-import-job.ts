/**
 * The template-version import job on the server side: on acquire, the template archive, the pushed
 * variable values and metadata; on completion, what the provisioner found (parameters, variables,
 * what a start and a stop build would provision, the README) stored with the job's success.
 */
import { z } from 'zod';
import { InvalidInput, NotFound } from '../../sdk/errors.js';
import type { ProvisionMetadata } from '../../sdk/provisioner.js';
import type { AcquiredJob } from '../../sdk/provisionerd-protocol.js';
import type { ProvisionerJobRow, TemplateVersionRow } from '../../database/models.js';
import type { Store } from '../../database/store.js';
import { insertProvisionedResources } from '../provisioned-resources.js';
import { parameterRows, variableRows } from '../template-versions-parameters.js';
import type { JobHandlerDeps, JobTypeHandler } from './job-handlers.js';

const variableValues = z.array(z.object({ name: z.string(), value: z.string() })).default([]);

export const TemplateImportInput = z.object({
  template_version_id: z.uuid(),
  user_variable_values: variableValues,
});

/** Longest README a version keeps (the column's limit). */
const maxReadmeChars = 1 << 20;

/**
 * Echo jobs posted directly (`POST /provisionerjobs`) carry their script in `input` and have no
 * template archive; they pass through without a payload. Template jobs always have a file.
 */
export const isRawEchoJob = (job: ProvisionerJobRow): boolean => job.file_id === null;

/** The job's input, which coderd wrote; a mismatch means the row was tampered with or is stale. */
export function parseJobInput<S extends z.ZodType>(schema: S, job: ProvisionerJobRow): z.infer<S> {
  const parsed = schema.safeParse(job.input);
  if (!parsed.success) throw new InvalidInput(`The job input is not a ${job.type} input.`);
  return parsed.data;
}

/** The template archive the job works on, base64 as the daemon protocol carries it. */
export async function jobArchive(store: Store, job: ProvisionerJobRow): Promise<string> {
  const file = job.file_id ? await store.getFileById(job.file_id) : undefined;
  if (!file) throw new NotFound('The template archive of this job no longer exists.');
  return file.data.toString('base64');
}

/**
 * What Terraform sees of a template job: the deployment URL, the template and version, and the
 * initiator standing in for the workspace owner (imports and dry-runs have no workspace).
 */
export async function templateJobMetadata(
  store: Store,
  accessUrl: URL,
  job: ProvisionerJobRow,
  version: TemplateVersionRow,
  workspaceName = '',
): Promise<ProvisionMetadata> {
  const [template, owner] = await Promise.all([
    version.template_id ? store.getTemplateById(version.template_id) : undefined,
    store.getUserById(job.initiator_id),
  ]);
  return {
    coder_url: accessUrl.toString(),
    workspace_transition: 'start',
    workspace_name: workspaceName,
    workspace_id: '',
    workspace_build_id: '',
    workspace_owner: owner?.username ?? '',
    workspace_owner_id: job.initiator_id,
    workspace_owner_email: owner?.email ?? '',
    workspace_owner_name: owner?.name ?? '',
    workspace_owner_login_type: owner?.login_type ?? '',
    workspace_owner_groups: [],
    workspace_owner_session_token: '',
    workspace_owner_ssh_public_key: '',
    workspace_owner_ssh_private_key: '',
    template_id: template?.id ?? '',
    template_name: template?.name ?? '',
    template_version: version.name,
  };
}

export async function jobTemplateVersion(store: Store, versionId: string): Promise<TemplateVersionRow> {
  const version = await store.getTemplateVersionById(versionId);
  if (!version) throw new NotFound('The template version of this job no longer exists.');
  return version;
}

export function templateImportJob(deps: JobHandlerDeps): JobTypeHandler {
  return {
    async acquired(job): Promise<Pick<AcquiredJob, 'payload' | 'template_source_archive'>> {
      if (isRawEchoJob(job)) return {};
      const input = parseJobInput(TemplateImportInput, job);
      const version = await jobTemplateVersion(deps.store, input.template_version_id);
      return {
        payload: {
          type: 'template_version_import',
          user_variable_values: input.user_variable_values,
          metadata: await templateJobMetadata(deps.store, deps.accessUrl, job, version),
        },
        template_source_archive: await jobArchive(deps.store, job),
      };
    },

    async completed(tx, job, result) {
      if (isRawEchoJob(job)) return;
      const input = parseJobInput(TemplateImportInput, job);
      const version = await jobTemplateVersion(tx, input.template_version_id);
      const readme = result.readme ?? '';
      if (readme.length > maxReadmeChars)
        throw InvalidInput.field('readme', `README.md is longer than ${maxReadmeChars} characters.`);
      // Validate everything before the first write, so the error names every problem at once.
      const parameters = parameterRows(result.parameters ?? []);
      const variables = variableRows(result.variables ?? [], input.user_variable_values);
      await tx.insertTemplateVersionParameters(version.id, parameters);
      await tx.insertTemplateVersionVariables(version.id, variables);
      await insertProvisionedResources(tx, job.id, 'start', result.resources);
      await insertProvisionedResources(tx, job.id, 'stop', result.stop_resources ?? []);
      await tx.setTemplateVersionImportResult(version.id, {
        readme,
        external_auth_providers: result.external_auth_providers ?? [],
      });
    },

    async failed() {
      // The job's error and logs are the whole record of a failed import.
    },
  };
}
