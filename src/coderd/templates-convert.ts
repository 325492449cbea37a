/**
 * Template rows → wire types, and the unit changes between them: durations are nanoseconds in the
 * database and milliseconds in the API; weekdays are bitmaps (Monday = bit 0) in the database.
 */
import type {
  ParameterType,
  Template,
  TemplateVersion,
  TemplateVersionParameter,
  TemplateVersionVariable,
} from '../sdk/templates.js';
import type {
  ProvisionerJobWithQueueRow,
  TemplateRow,
  TemplateVersionParameterRow,
  TemplateVersionRow,
  TemplateVersionVariableRow,
} from '../database/models.js';
import { toProvisionerJob } from './provisioner-convert.js';

export const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const allDays = 0b1111111;

export const nsToMs = (ns: string | number): number => Number(BigInt(ns) / 1_000_000n);
export const msToNs = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();

export function bitmapToWeekdays(bits: number): string[] {
  return weekdays.filter((_, i) => bits & (1 << i));
}

export function weekdaysToBitmap(days: string[]): number {
  return days.reduce((bits, d) => bits | (1 << weekdays.indexOf(d)), 0);
}

/** The API names the days autostart may run; the database stores the blocked ones (Coder's inversion). */
export const autostartAllowedDays = (blocked: number): string[] => bitmapToWeekdays(~blocked & allDays);
export const autostartBlockedBitmap = (allowed: string[]): number => ~weekdaysToBitmap(allowed) & allDays;

export function toTemplate(t: TemplateRow): Template {
  return {
    id: t.id,
    created_at: t.created_at.toISOString(),
    updated_at: t.updated_at.toISOString(),
    organization_id: t.organization_id,
    organization_name: t.organization_name,
    name: t.name,
    display_name: t.display_name,
    description: t.description,
    icon: t.icon,
    provisioner: t.provisioner,
    active_version_id: t.active_version_id,
    // Needs agent usage statistics, which Hangar does not collect yet.
    active_user_count: 0,
    deprecated: t.deprecated !== '',
    deprecation_message: t.deprecated,
    default_ttl_ms: nsToMs(t.default_ttl),
    activity_bump_ms: nsToMs(t.activity_bump),
    autostop_requirement: {
      days_of_week: bitmapToWeekdays(t.autostop_requirement_days_of_week),
      weeks: Number(t.autostop_requirement_weeks),
    },
    autostart_requirement: { days_of_week: autostartAllowedDays(t.autostart_block_days_of_week) },
    allow_user_autostart: t.allow_user_autostart,
    allow_user_autostop: t.allow_user_autostop,
    allow_user_cancel_workspace_jobs: t.allow_user_cancel_workspace_jobs,
    failure_ttl_ms: nsToMs(t.failure_ttl),
    time_til_dormant_ms: nsToMs(t.time_til_dormant),
    time_til_dormant_autodelete_ms: nsToMs(t.time_til_dormant_autodelete),
    require_active_version: t.require_active_version,
    max_port_share_level: t.max_port_sharing_level,
    created_by_id: t.created_by,
    created_by_name: t.created_by_username,
    workspace_count: t.workspace_count,
  };
}

export function toTemplateVersion(v: TemplateVersionRow, job: ProvisionerJobWithQueueRow): TemplateVersion {
  return {
    id: v.id,
    template_id: v.template_id ?? undefined,
    organization_id: v.organization_id,
    created_at: v.created_at.toISOString(),
    updated_at: v.updated_at.toISOString(),
    name: v.name,
    message: v.message,
    job: toProvisionerJob(job),
    readme: v.readme,
    created_by: { id: v.created_by, username: v.created_by_username, avatar_url: v.created_by_avatar_url },
    archived: v.archived,
    warnings: [],
  };
}

export function toTemplateVersionParameter(p: TemplateVersionParameterRow): TemplateVersionParameter {
  return {
    name: p.name,
    display_name: p.display_name,
    description: p.description,
    type: p.type as ParameterType,
    mutable: p.mutable,
    default_value: p.default_value,
    icon: p.icon,
    options: p.options,
    validation_error: p.validation_error,
    validation_regex: p.validation_regex,
    validation_min: p.validation_min ?? undefined,
    validation_max: p.validation_max ?? undefined,
    validation_monotonic: p.validation_monotonic,
    required: p.required,
    ephemeral: p.ephemeral,
    order: p.display_order,
  };
}

/** Coder's marker for sensitive values: readers learn a value is set, never what it is. */
export const redacted = '*redacted*';

export function toTemplateVersionVariable(v: TemplateVersionVariableRow): TemplateVersionVariable {
  return {
    name: v.name,
    description: v.description,
    type: v.type,
    value: v.sensitive ? redacted : v.value,
    default_value: v.sensitive ? redacted : v.default_value,
    required: v.required,
    sensitive: v.sensitive,
  };
}
