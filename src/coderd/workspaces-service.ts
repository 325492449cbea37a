/**
 * Workspace and build rules (Coder's postWorkspaces and wsbuilder): which template version a build
 * uses, its parameters, state and job, all inserted in one transaction; daemons are woken and
 * watchers told only after it commits.
 */
import { randomUUID } from 'node:crypto';
import { Conflict, Forbidden, InvalidInput, NotFound, PreconditionFailed } from '../sdk/errors.js';
import type { Logger } from '../sdk/logger.js';
import { resolveBuildParameters } from '../sdk/parameter-validation.js';
import { parseWeeklySchedule, WeeklyScheduleError } from '../sdk/weekly-schedule.js';
import type { CreateWorkspaceBuildRequest, CreateWorkspaceRequest } from '../sdk/workspaces.js';
import { currentActor, withActor } from '../database/authz/actor-context.js';
import { systemActors } from '../database/authz/actors.js';
import { authorize } from '../database/authz/rbac.js';
import type { Pubsub } from '../database/postgres/pubsub.js';
import type { Store } from '../database/store.js';
import type {
  ProvisionerJobRow,
  TemplateRow,
  UserRow,
  WorkspaceBuildRow,
  WorkspaceBuildWithNamesRow,
  WorkspaceWithNamesRow,
} from '../database/models.js';
import type { TemplateVersionWithImportRow } from '../database/queries/workspace-builds.js';
import type { ProvisionerdService } from './provisionerdserver/provisionerd-service.js';
import { toTemplateVersionParameter } from './templates-convert.js';
import { jobIsActive } from './workspace-status.js';
import { publishWorkspaceEvent } from './workspace-events.js';

const minute = 60_000;
/** Coder's bounds on a workspace's autostop TTL. */
export const ttlBoundsMs = { min: minute, max: 30 * 24 * 60 * minute };
const nsPerMs = 1_000_000n;

export function validateAutostart(schedule: string | undefined | null, template: TemplateRow): string | null {
  if (!schedule) return null;
  if (!template.allow_user_autostart)
    throw InvalidInput.field(
      'autostart_schedule',
      'Autostart is not allowed for workspaces of this template.',
    );
  try {
    parseWeeklySchedule(schedule);
  } catch (err) {
    if (!(err instanceof WeeklyScheduleError)) throw err;
    throw InvalidInput.field(
      'autostart_schedule',
      `${err.message} Use a weekly schedule such as "CRON_TZ=Europe/Berlin 30 9 * * 1-5" (minute hour * * days).`,
    );
  }
  return schedule.trim();
}

/** The TTL a workspace gets, in nanoseconds (null: no autostop); templates may forbid choosing. */
export function effectiveTtlNs(ttlMs: number | undefined | null, template: TemplateRow): bigint | null {
  const templateDefault = BigInt(template.default_ttl);
  if (!template.allow_user_autostop) return templateDefault > 0n ? templateDefault : null;
  if (ttlMs === undefined) return templateDefault > 0n ? templateDefault : null;
  if (ttlMs === null || ttlMs === 0) return null;
  if (ttlMs < ttlBoundsMs.min) throw InvalidInput.field('ttl_ms', 'Must be at least one minute.');
  if (ttlMs > ttlBoundsMs.max) throw InvalidInput.field('ttl_ms', 'Must be at most 30 days.');
  return BigInt(ttlMs) * nsPerMs;
}

/** Reading or replacing state, and orphan deletes, are for template administrators (Coder). */
function canAdministerTemplate(workspace: { template_id: string; organization_id: string }): boolean {
  const actor = currentActor();
  return (
    actor !== undefined &&
    authorize(actor, 'update', {
      type: 'template',
      id: workspace.template_id,
      orgId: workspace.organization_id,
    })
  );
}

export interface BuildPlan {
  workspace: Pick<WorkspaceWithNamesRow, 'id' | 'name' | 'template_id' | 'organization_id'>;
  template: TemplateRow;
  version: TemplateVersionWithImportRow;
  req: CreateWorkspaceBuildRequest;
  initiatorId: string;
  /** Overrides the request's reason (the lifecycle executor's `autostart`, `autostop`). */
  reason?: WorkspaceBuildRow['reason'];
}

export class WorkspacesService {
  constructor(
    private readonly store: Store,
    private readonly provisionerd: ProvisionerdService,
    private readonly pubsub: Pubsub,
    private readonly logger: Logger,
  ) {}

  async createWorkspace(
    owner: UserRow,
    req: CreateWorkspaceRequest,
    initiatorId: string,
    organizationId?: string,
  ): Promise<WorkspaceWithNamesRow> {
    let version: TemplateVersionWithImportRow | undefined;
    let templateId = req.template_id;
    if (req.template_version_id) {
      version = await this.store.getTemplateVersionWithImport(req.template_version_id);
      if (!version) throw InvalidInput.field('template_version_id', 'No such template version.');
      if (!version.template_id)
        throw InvalidInput.field('template_version_id', 'The version is not attached to a template.');
      templateId = version.template_id;
    }
    const template = await this.store.getTemplateById(templateId!);
    if (!template || template.deleted) throw InvalidInput.field('template_id', 'No such template.');
    if (organizationId && template.organization_id !== organizationId)
      throw InvalidInput.field('template_id', 'The template belongs to another organization.');
    if (template.deprecated)
      throw new Forbidden(
        `Template "${template.name}" has been deprecated and cannot be used to create workspaces.`,
        {
          detail: template.deprecated,
        },
      );
    version ??= await this.store.getTemplateVersionWithImport(template.active_version_id);
    if (!version) throw new NotFound('The template has no active version.');
    if (!(await this.store.getOrganizationMember(template.organization_id, owner.id)))
      throw new Forbidden(`User "${owner.username}" is not a member of the template's organization.`);
    const ttl = effectiveTtlNs(req.ttl_ms, template);
    const autostart = validateAutostart(req.autostart_schedule, template);
    const id = randomUUID();
    const { job, workspace } = await this.store.inTx(async (tx) => {
      await tx.insertWorkspace({
        id,
        owner_id: owner.id,
        organization_id: template.organization_id,
        template_id: template.id,
        name: req.name,
        autostart_schedule: autostart,
        ttl_ns: ttl,
        automatic_updates: req.automatic_updates ?? 'never',
      });
      const { job } = await this.insertBuild(tx, {
        workspace: {
          id,
          name: req.name,
          template_id: template.id,
          organization_id: template.organization_id,
        },
        template,
        version: version!,
        req: { transition: 'start', rich_parameter_values: req.rich_parameter_values },
        initiatorId,
      });
      return { job, workspace: (await tx.getWorkspaceById(id))! };
    });
    await this.announceBuild(id, job);
    return workspace;
  }

  async createBuild(
    workspace: WorkspaceWithNamesRow,
    req: CreateWorkspaceBuildRequest,
    initiatorId: string,
  ): Promise<WorkspaceBuildWithNamesRow> {
    if (workspace.deleted)
      throw new PreconditionFailed(
        `Workspace "${workspace.name}" has been deleted; it cannot be built again.`,
      );
    if (req.orphan && req.transition !== 'delete')
      throw InvalidInput.field('orphan', 'Only delete builds can orphan resources.');
    if ((req.orphan || req.state !== undefined) && !canAdministerTemplate(workspace))
      throw new Forbidden('Only template administrators may supply state or orphan resources.');
    const template = await this.store.getTemplateById(workspace.template_id);
    if (!template) throw new NotFound("The workspace's template is gone.");
    const { build, job } = await this.store.inTx(async (tx) => {
      const latest = await tx.lockLatestWorkspaceBuild(workspace.id);
      const versionId = req.template_version_id ?? latest?.template_version_id ?? template.active_version_id;
      const version = await tx.getTemplateVersionWithImport(versionId);
      if (!version) throw InvalidInput.field('template_version_id', 'No such template version.');
      if (version.template_id !== workspace.template_id)
        throw InvalidInput.field(
          'template_version_id',
          "The version belongs to another template than the workspace's.",
        );
      return this.insertBuild(tx, { workspace, template, version, req, initiatorId });
    });
    await this.announceBuild(workspace.id, job);
    return build;
  }

  /** Cancels the build's job: pending ones end at once, running ones once the daemon stops. */
  async cancelBuild(build: WorkspaceBuildWithNamesRow): Promise<void> {
    const template = await this.store.getTemplateById(build.workspace_template_id);
    const admin = canAdministerTemplate({
      template_id: build.workspace_template_id,
      organization_id: build.workspace_organization_id,
    });
    if (template && !template.allow_user_cancel_workspace_jobs && !admin)
      throw new Forbidden('The template does not allow users to cancel workspace builds.');
    const canceled = await this.store.cancelWorkspaceBuildJob(build.id);
    if (!canceled) throw new PreconditionFailed('The build has already finished or is being canceled.');
    if (canceled.completed_at) await this.provisionerd.publishEndOfLogs(canceled.id);
    await publishWorkspaceEvent(this.pubsub, this.logger, build.workspace_id);
  }

  /**
   * Inserts a build, its parameters and job in the caller's transaction, refusing while the
   * previous build is still active. Call announceBuild once the transaction has committed.
   */
  async insertBuild(
    tx: Store,
    { workspace, template, version, req, initiatorId, reason }: BuildPlan,
  ): Promise<{ build: WorkspaceBuildWithNamesRow; job: ProvisionerJobRow | undefined }> {
    const latest = await tx.lockLatestWorkspaceBuild(workspace.id);
    if (latest) {
      const [job] = await tx.listWorkspaceBuildJobs([latest.job_id]);
      if (job && jobIsActive(job.job_status))
        throw new Conflict(
          `Build #${latest.build_number} (${latest.transition}) of workspace "${workspace.name}" is still ${job.job_status}; wait for it to finish or cancel it first.`,
        );
    }
    if (version.import_job_status !== 'succeeded')
      throw InvalidInput.field(
        'template_version_id',
        `The template version's import is ${version.import_job_status}; only successfully imported versions can be built.`,
      );
    const previous = latest ? await tx.listWorkspaceBuildParameters(latest.id) : [];
    const parameters = (await tx.listTemplateVersionParameters(version.id)).map(toTemplateVersionParameter);
    const resolved = resolveBuildParameters({
      parameters,
      previous,
      supplied: req.rich_parameter_values ?? [],
      firstBuild: !latest,
      requireAll: req.transition === 'start',
    });
    if (resolved.problems.length > 0) {
      throw new InvalidInput(
        `Invalid rich parameter values: ${[...new Set(resolved.problems.map((p) => p.field))].join(', ')}.`,
        { validations: resolved.problems },
      );
    }
    let state: Buffer | null = null;
    if (req.state !== undefined) state = Buffer.from(req.state, 'base64');
    const buildId = randomUUID();
    // The caller may build this workspace (checked by insertWorkspaceBuild's policy below, in this
    // transaction); the job row is queue machinery that members cannot insert on their own.
    const job = await withActor(systemActors.provisionerd, () =>
      this.provisionerd.insertJob(tx, {
        organizationId: workspace.organization_id,
        initiatorId,
        provisioner: template.provisioner,
        type: 'workspace_build',
        tags: version.import_job_tags,
        input: { workspace_build_id: buildId, ...(req.log_level ? { log_level: req.log_level } : {}) },
        fileId: version.import_job_file_id ?? undefined,
      }),
    );
    await tx.insertWorkspaceBuild({
      id: buildId,
      workspace_id: workspace.id,
      template_version_id: version.id,
      build_number: (latest?.build_number ?? 0) + 1,
      transition: req.transition,
      initiator_id: initiatorId,
      job_id: job.id,
      provisioner_state: state,
      reason: reason ?? req.reason ?? 'initiator',
    });
    await tx.insertWorkspaceBuildParameters(buildId, resolved.values);
    if (req.orphan) {
      // Nothing runs: the resources are left where they are and the workspace is gone.
      await tx.completeOrphanDeleteJob(buildId);
      await tx.markWorkspaceDeleted(workspace.id);
    }
    return { build: (await tx.getWorkspaceBuildById(buildId))!, job: req.orphan ? undefined : job };
  }

  /** Wakes a daemon for the job and tells the workspace's watchers; after the build committed. */
  async announceBuild(workspaceId: string, job: ProvisionerJobRow | undefined): Promise<void> {
    if (job) await this.provisionerd.announceJob(job);
    await publishWorkspaceEvent(this.pubsub, this.logger, workspaceId);
  }
}
