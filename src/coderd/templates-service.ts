/**
 * Template rules: created from a successfully imported version that has no template yet, settings
 * validated as Coder does (durations of at least a minute where zero means off), deleted only when
 * no live workspace uses it, and promoted only to its own imported versions.
 */
import { randomUUID } from 'node:crypto';
import { Conflict, InvalidInput, PreconditionFailed, Validator } from '../sdk/errors.js';
import type { CreateTemplateRequest, UpdateTemplateMeta } from '../sdk/templates.js';
import type { OrganizationRow, TemplateRow, UserRow } from '../database/models.js';
import type { TemplateSettings } from '../database/queries/templates.js';
import type { Store } from '../database/store.js';
import { requireImported } from './template-versions-service.js';
import { autostartBlockedBitmap, msToNs, weekdaysToBitmap } from './templates-convert.js';

type SettingsRequest = Omit<UpdateTemplateMeta, 'name' | 'deprecation_message'>;

const minuteMs = 60_000;
const hourMs = 60 * minuteMs;

/** Coder's defaults for a new template (postTemplateByOrganization). */
const defaults: TemplateSettings = {
  name: '',
  display_name: '',
  description: '',
  icon: '',
  deprecated: '',
  default_ttl: '0',
  activity_bump: msToNs(hourMs),
  autostop_requirement_days_of_week: 0,
  autostop_requirement_weeks: 1,
  autostart_block_days_of_week: 0,
  allow_user_autostart: true,
  allow_user_autostop: true,
  allow_user_cancel_workspace_jobs: true,
  failure_ttl: '0',
  time_til_dormant: '0',
  time_til_dormant_autodelete: '0',
  require_active_version: false,
  max_port_sharing_level: 'owner',
};

/** Applies the given settings over `base`, validating them together. */
function applySettings(base: TemplateSettings, req: SettingsRequest): TemplateSettings {
  const v = new Validator();
  for (const field of ['failure_ttl_ms', 'time_til_dormant_ms', 'time_til_dormant_autodelete_ms'] as const) {
    const ms = req[field];
    if (ms !== undefined && ms > 0 && ms < minuteMs) v.add(field, 'Must be 0 (off) or at least one minute.');
  }
  if (req.autostop_requirement) {
    const days = req.autostop_requirement.days_of_week;
    if (new Set(days).size !== days.length) v.add('autostop_requirement.days_of_week', 'Repeats a day.');
  }
  v.throwIfInvalid('Invalid template settings.');
  const ns = (ms: number | undefined, current: string) => (ms === undefined ? current : msToNs(ms));
  const stop = req.autostop_requirement;
  return {
    ...base,
    display_name: req.display_name ?? base.display_name,
    description: req.description ?? base.description,
    icon: req.icon ?? base.icon,
    default_ttl: ns(req.default_ttl_ms, base.default_ttl),
    activity_bump: ns(req.activity_bump_ms, base.activity_bump),
    autostop_requirement_days_of_week: stop
      ? weekdaysToBitmap(stop.days_of_week)
      : base.autostop_requirement_days_of_week,
    // Every 0 weeks means every week, as in Coder.
    autostop_requirement_weeks: stop ? Math.max(stop.weeks, 1) : base.autostop_requirement_weeks,
    autostart_block_days_of_week: req.autostart_requirement
      ? autostartBlockedBitmap(req.autostart_requirement.days_of_week)
      : base.autostart_block_days_of_week,
    allow_user_autostart: req.allow_user_autostart ?? base.allow_user_autostart,
    allow_user_autostop: req.allow_user_autostop ?? base.allow_user_autostop,
    allow_user_cancel_workspace_jobs:
      req.allow_user_cancel_workspace_jobs ?? base.allow_user_cancel_workspace_jobs,
    failure_ttl: ns(req.failure_ttl_ms, base.failure_ttl),
    time_til_dormant: ns(req.time_til_dormant_ms, base.time_til_dormant),
    time_til_dormant_autodelete: ns(req.time_til_dormant_autodelete_ms, base.time_til_dormant_autodelete),
    require_active_version: req.require_active_version ?? base.require_active_version,
    max_port_sharing_level: req.max_port_share_level ?? base.max_port_sharing_level,
  };
}

function settingsOf(t: TemplateRow): TemplateSettings {
  return {
    name: t.name,
    display_name: t.display_name,
    description: t.description,
    icon: t.icon,
    deprecated: t.deprecated,
    default_ttl: t.default_ttl,
    activity_bump: t.activity_bump,
    autostop_requirement_days_of_week: t.autostop_requirement_days_of_week,
    autostop_requirement_weeks: Number(t.autostop_requirement_weeks),
    autostart_block_days_of_week: t.autostart_block_days_of_week,
    allow_user_autostart: t.allow_user_autostart,
    allow_user_autostop: t.allow_user_autostop,
    allow_user_cancel_workspace_jobs: t.allow_user_cancel_workspace_jobs,
    failure_ttl: t.failure_ttl,
    time_til_dormant: t.time_til_dormant,
    time_til_dormant_autodelete: t.time_til_dormant_autodelete,
    require_active_version: t.require_active_version,
    max_port_sharing_level: t.max_port_sharing_level,
  };
}

export class TemplatesService {
  constructor(private readonly store: Store) {}

  /** Creates the template and attaches its first version in one transaction. */
  async create(org: OrganizationRow, user: UserRow, req: CreateTemplateRequest): Promise<TemplateRow> {
    const { store } = this;
    const settings = { ...applySettings(defaults, req), name: req.name };
    const version = await store.getTemplateVersionById(req.template_version_id);
    if (!version || version.organization_id !== org.id)
      throw InvalidInput.field('template_version_id', 'No such template version in this organization.');
    if (version.template_id)
      throw InvalidInput.field(
        'template_version_id',
        'The version already belongs to a template; push a new version to create another template.',
      );
    const job = await requireImported(store, version, 'template_version_id', 'create a template');
    if (await store.getTemplateByOrganizationAndName(org.id, req.name))
      throw new Conflict(`A template named "${req.name}" already exists in the organization.`, {
        validations: [{ field: 'name', detail: 'A template with this name already exists.' }],
      });
    return store.inTx(async (tx) => {
      const template = await tx.insertTemplate({
        ...settings,
        id: randomUUID(),
        organization_id: org.id,
        provisioner: job.provisioner,
        active_version_id: version.id,
        created_by: user.id,
      });
      if (!(await tx.attachTemplateVersion(version.id, template.id)))
        throw new Conflict('The version was attached to another template at the same time.', {
          validations: [{ field: 'template_version_id', detail: 'Already used by another template.' }],
        });
      return template;
    });
  }

  async update(template: TemplateRow, req: UpdateTemplateMeta): Promise<TemplateRow> {
    const settings = applySettings(settingsOf(template), req);
    settings.name = req.name ?? template.name;
    settings.deprecated = req.deprecation_message ?? template.deprecated;
    return (await this.store.updateTemplateMeta(template.id, settings))!;
  }

  async delete(template: TemplateRow): Promise<void> {
    const refuse = (n: number) =>
      new PreconditionFailed('All workspaces must be deleted before a template can be removed.', {
        detail: `${n || 'Some'} workspace(s) still use template "${template.name}".`,
      });
    if (template.workspace_count > 0) throw refuse(template.workspace_count);
    if (!(await this.store.softDeleteTemplateIfUnused(template.id))) throw refuse(0);
  }

  /** Makes one of the template's successfully imported versions the active one. */
  async promote(template: TemplateRow, versionId: string): Promise<void> {
    const version = await this.store.getTemplateVersionById(versionId);
    if (!version || version.template_id !== template.id)
      throw InvalidInput.field('id', `The version does not belong to template "${template.name}".`);
    await requireImported(this.store, version, 'id', 'be promoted');
    await this.store.updateTemplateActiveVersion(template.id, version.id);
  }
}
