/**
 * Wire types for files, templates, template versions, their parameters and variables (Coder's
 * codersdk/templates.go, templateversions.go, richparameters.go). Request bodies are zod schemas so
 * the server validates with the same definition the clients compile against.
 */
import { z } from 'zod';
import type { ProvisionerJob, ProvisionerType } from './provisioner-jobs.js';
import { provisionerTypes } from './provisioner-jobs.js';

/** Largest template archive `POST /files` accepts. */
export const maxTemplateArchiveBytes = 10 << 20;

export interface UploadResponse {
  /** The file id (Coder names the field `hash` for historical reasons). */
  hash: string;
}

const templateName = z
  .string()
  .min(1, 'Must not be empty.')
  .max(64, 'Must be at most 64 characters.')
  .regex(/^[a-zA-Z0-9](?:[a-zA-Z0-9_-]*[a-zA-Z0-9])?$/, 'Must be alphanumeric with hyphens or underscores.');
const templateDisplayName = z.string().max(64, 'Must be at most 64 characters.');
const description = z.string().max(128, 'Must be at most 128 characters.');
const durationMs = z.number().int().min(0, 'Must not be negative.');
const weekdays = z.array(
  z.enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']),
);

export interface MinimalUser {
  id: string;
  username: string;
  avatar_url: string;
}

export interface TemplateAutostopRequirement {
  days_of_week: string[];
  weeks: number;
}

export interface Template {
  id: string;
  created_at: string;
  updated_at: string;
  organization_id: string;
  organization_name: string;
  name: string;
  display_name: string;
  description: string;
  icon: string;
  provisioner: ProvisionerType;
  active_version_id: string;
  active_user_count: number;
  deprecated: boolean;
  deprecation_message: string;
  default_ttl_ms: number;
  activity_bump_ms: number;
  autostop_requirement: TemplateAutostopRequirement;
  autostart_requirement: { days_of_week: string[] };
  allow_user_autostart: boolean;
  allow_user_autostop: boolean;
  allow_user_cancel_workspace_jobs: boolean;
  failure_ttl_ms: number;
  time_til_dormant_ms: number;
  time_til_dormant_autodelete_ms: number;
  require_active_version: boolean;
  max_port_share_level: 'owner' | 'authenticated' | 'public';
  created_by_id: string;
  created_by_name: string;
  /** How many workspaces (not deleted) use the template. */
  workspace_count: number;
}

const templateSettings = {
  display_name: templateDisplayName.optional(),
  description: description.optional(),
  icon: z.string().max(256).optional(),
  default_ttl_ms: durationMs.optional(),
  activity_bump_ms: durationMs.optional(),
  autostop_requirement: z
    .strictObject({ days_of_week: weekdays, weeks: z.number().int().min(0).max(16) })
    .optional(),
  autostart_requirement: z.strictObject({ days_of_week: weekdays }).optional(),
  allow_user_autostart: z.boolean().optional(),
  allow_user_autostop: z.boolean().optional(),
  allow_user_cancel_workspace_jobs: z.boolean().optional(),
  failure_ttl_ms: durationMs.optional(),
  time_til_dormant_ms: durationMs.optional(),
  time_til_dormant_autodelete_ms: durationMs.optional(),
  require_active_version: z.boolean().optional(),
  max_port_share_level: z.enum(['owner', 'authenticated', 'public']).optional(),
};

/** `POST /organizations/{org}/templates`: the version must have finished importing successfully. */
export const CreateTemplateRequest = z.strictObject({
  name: templateName,
  template_version_id: z.uuid(),
  ...templateSettings,
});
export type CreateTemplateRequest = z.infer<typeof CreateTemplateRequest>;

/** `PATCH /templates/{id}`: only the given fields change. */
export const UpdateTemplateMeta = z.strictObject({
  name: templateName.optional(),
  deprecation_message: z.string().max(256).optional(),
  ...templateSettings,
});
export type UpdateTemplateMeta = z.infer<typeof UpdateTemplateMeta>;

/** `PATCH /templates/{id}/versions`: promote a version to active. */
export const UpdateActiveTemplateVersion = z.strictObject({ id: z.uuid() });
export type UpdateActiveTemplateVersion = z.infer<typeof UpdateActiveTemplateVersion>;

export interface VariableValue {
  name: string;
  value: string;
}
const variableValue = z.strictObject({ name: z.string().min(1), value: z.string() });

const versionName = z
  .string()
  .max(64, 'Must be at most 64 characters.')
  .regex(/^[a-zA-Z0-9._-]*$/, 'Must contain only letters, digits, ".", "_" and "-".');

/** `POST /organizations/{org}/templateversions`: starts the import job. */
export const CreateTemplateVersionRequest = z.strictObject({
  name: versionName.optional(),
  message: z.string().max(1048576).optional(),
  template_id: z.uuid().optional(),
  storage_method: z.literal('file').optional(),
  file_id: z.uuid(),
  provisioner: z.enum(provisionerTypes).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  user_variable_values: z.array(variableValue).optional(),
});
export type CreateTemplateVersionRequest = z.infer<typeof CreateTemplateVersionRequest>;

/** `PATCH /templateversions/{id}`: rename a version or change its message. */
export const PatchTemplateVersionRequest = z.strictObject({
  name: versionName.min(1, 'Must not be empty.').optional(),
  message: z.string().max(1048576).optional(),
});
export type PatchTemplateVersionRequest = z.infer<typeof PatchTemplateVersionRequest>;

export interface TemplateVersion {
  id: string;
  template_id?: string;
  organization_id: string;
  created_at: string;
  updated_at: string;
  name: string;
  message: string;
  /** The import job. */
  job: ProvisionerJob;
  readme: string;
  created_by: MinimalUser;
  archived: boolean;
  warnings: string[];
}

export interface TemplateVersionVariable {
  name: string;
  description: string;
  /** `string`, `number`, `bool` (Coder's names). */
  type: string;
  value: string;
  default_value: string;
  required: boolean;
  sensitive: boolean;
}

export interface TemplateVersionParameterOption {
  name: string;
  description: string;
  value: string;
  icon: string;
}

export const parameterTypes = ['string', 'number', 'bool', 'list(string)'] as const;
export type ParameterType = (typeof parameterTypes)[number];

export interface TemplateVersionParameter {
  name: string;
  display_name: string;
  description: string;
  type: ParameterType;
  mutable: boolean;
  default_value: string;
  icon: string;
  options: TemplateVersionParameterOption[];
  validation_error: string;
  validation_regex: string;
  validation_min?: number;
  validation_max?: number;
  validation_monotonic: '' | 'increasing' | 'decreasing';
  required: boolean;
  ephemeral: boolean;
  order: number;
}

/** `POST /templateversions/{id}/dry-run`. */
export const CreateTemplateVersionDryRunRequest = z.strictObject({
  workspace_name: z.string().max(64).optional(),
  rich_parameter_values: z.array(variableValue).optional(),
  user_variable_values: z.array(variableValue).optional(),
});
export type CreateTemplateVersionDryRunRequest = z.infer<typeof CreateTemplateVersionDryRunRequest>;
