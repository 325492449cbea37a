/**
 * Template version rules: a version and its import job are created together, a dry-run needs a
 * successful import, and only imported versions may be used (by templates, promotion, dry-runs).
 */
import { randomUUID } from 'node:crypto';
import { Conflict, InvalidInput } from '../sdk/errors.js';
import type { CreateTemplateVersionDryRunRequest, CreateTemplateVersionRequest } from '../sdk/templates.js';
import type {
  OrganizationRow,
  ProvisionerJobRow,
  ProvisionerJobWithQueueRow,
  TemplateVersionRow,
  UserRow,
} from '../database/models.js';
import type { Store } from '../database/store.js';
import type { ProvisionerdService } from './provisionerdserver/provisionerd-service.js';
import { uniqueVersionName } from './template-versions-names.js';
import { checkVariableValues } from './template-versions-parameters.js';

/** The version's import job; it exists whenever the version does (same transaction, foreign key). */
export async function importJobOf(
  store: Store,
  version: TemplateVersionRow,
): Promise<ProvisionerJobWithQueueRow> {
  const job = await store.getProvisionerJobById(version.job_id);
  if (!job) throw new Error(`template version ${version.id} has no readable import job`);
  return job;
}

/** Throws InvalidInput on `field` unless the version's import succeeded. */
export async function requireImported(
  store: Store,
  version: TemplateVersionRow,
  field: string,
  use: string,
): Promise<ProvisionerJobWithQueueRow> {
  const job = await importJobOf(store, version);
  if (job.job_status !== 'succeeded') {
    const why = job.error ? `: ${job.error}` : '';
    throw new InvalidInput(
      `Template version "${version.name}" cannot ${use}: its import ${job.job_status}${why}.`,
      {
        validations: [
          { field, detail: `The version's import job is ${job.job_status}; it must have succeeded.` },
        ],
      },
    );
  }
  if (version.archived) throw InvalidInput.field(field, `Template version "${version.name}" is archived.`);
  return job;
}

export class TemplateVersionsService {
  constructor(
    private readonly store: Store,
    private readonly provisionerd: ProvisionerdService,
  ) {}

  /** Creates the version and its import job in one transaction, then wakes a daemon. */
  async create(
    org: OrganizationRow,
    user: UserRow,
    req: CreateTemplateVersionRequest,
  ): Promise<{ version: TemplateVersionRow; job: ProvisionerJobRow }> {
    const { store } = this;
    const values = req.user_variable_values ?? [];
    checkVariableValues(values);
    const file = await store.getFileById(req.file_id);
    if (!file) throw InvalidInput.field('file_id', 'No such file, or it was uploaded by someone else.');
    let templateId: string | null = null;
    if (req.template_id) {
      const template = await store.getTemplateById(req.template_id);
      if (!template || template.deleted || template.organization_id !== org.id)
        throw InvalidInput.field('template_id', 'No such template in this organization.');
      templateId = template.id;
    }
    const taken = async (name: string) =>
      templateId !== null &&
      (await store.getTemplateVersionByTemplateAndName(templateId, name)) !== undefined;
    if (req.name && (await taken(req.name)))
      throw new Conflict(`The template already has a version named "${req.name}".`, {
        validations: [{ field: 'name', detail: 'A version with this name already exists in the template.' }],
      });
    const name = req.name || (await uniqueVersionName(taken));
    const versionId = randomUUID();
    const result = await store.inTx(async (tx) => {
      const job = await this.provisionerd.insertJob(tx, {
        organizationId: org.id,
        initiatorId: user.id,
        provisioner: req.provisioner ?? 'terraform',
        type: 'template_version_import',
        tags: req.tags ?? {},
        input: { template_version_id: versionId, user_variable_values: values },
        fileId: file.id,
      });
      const version = await tx.insertTemplateVersion({
        id: versionId,
        template_id: templateId,
        organization_id: org.id,
        name,
        message: req.message ?? '',
        job_id: job.id,
        created_by: user.id,
      });
      return { version, job };
    });
    await this.provisionerd.announceJob(result.job);
    return result;
  }

  /** Plans a workspace from an imported version; the job uses the version's archive and tags. */
  async createDryRun(
    version: TemplateVersionRow,
    user: UserRow,
    req: CreateTemplateVersionDryRunRequest,
  ): Promise<ProvisionerJobRow> {
    checkVariableValues(req.user_variable_values ?? []);
    checkVariableValues(req.rich_parameter_values ?? [], 'rich_parameter_values');
    const importJob = await requireImported(this.store, version, 'template_version_id', 'be dry-run');
    return this.provisionerd.postJob({
      organizationId: version.organization_id,
      initiatorId: user.id,
      provisioner: importJob.provisioner,
      type: 'template_version_dry_run',
      tags: importJob.tags,
      input: {
        template_version_id: version.id,
        workspace_name: req.workspace_name ?? '',
        rich_parameter_values: req.rich_parameter_values ?? [],
        user_variable_values: req.user_variable_values ?? [],
      },
      fileId: importJob.file_id ?? undefined,
    });
  }
}
