/**
 * The template-version dry-run job: a plan of a would-be workspace from a version, with given
 * parameter values, whose resources are stored against the dry-run job itself.
 */
import { z } from 'zod';
import type { AcquiredJob } from '../../sdk/provisionerd-protocol.js';
import { insertProvisionedResources } from '../provisioned-resources.js';
import type { JobHandlerDeps, JobTypeHandler } from './job-handlers.js';
import {
  isRawEchoJob,
  jobArchive,
  jobTemplateVersion,
  parseJobInput,
  templateJobMetadata,
} from './template-import-job.js';

const values = z.array(z.object({ name: z.string(), value: z.string() })).default([]);

export const TemplateDryRunInput = z.object({
  template_version_id: z.uuid(),
  workspace_name: z.string().default(''),
  rich_parameter_values: values,
  user_variable_values: values,
});

export function templateDryRunJob(deps: JobHandlerDeps): JobTypeHandler {
  return {
    async acquired(job): Promise<Pick<AcquiredJob, 'payload' | 'template_source_archive'>> {
      if (isRawEchoJob(job)) return {};
      const input = parseJobInput(TemplateDryRunInput, job);
      const version = await jobTemplateVersion(deps.store, input.template_version_id);
      // The import's variable values, with what the dry-run request overrides.
      const variables = new Map(
        (await deps.store.listTemplateVersionVariables(version.id)).map((v) => [v.name, v.value]),
      );
      for (const v of input.user_variable_values) variables.set(v.name, v.value);
      return {
        payload: {
          type: 'template_version_dry_run',
          rich_parameter_values: input.rich_parameter_values,
          variable_values: [...variables].map(([name, value]) => ({ name, value })),
          metadata: await templateJobMetadata(deps.store, deps.accessUrl, job, version, input.workspace_name),
        },
        template_source_archive: await jobArchive(deps.store, job),
      };
    },

    async completed(tx, job, result) {
      if (isRawEchoJob(job)) return;
      await insertProvisionedResources(tx, job.id, 'start', result.resources);
    },

    async failed() {
      // Nothing besides the job's error and logs to keep.
    },
  };
}
