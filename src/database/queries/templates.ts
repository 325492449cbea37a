/** SQL for templates. Rows come with their organization's name, creator and live workspace count. */
import { many, one, type Queryable } from '../db.js';
import type { TemplateRow } from '../models.js';
import type { ProvisionerType } from '../../sdk/provisioner-jobs.js';
import { registerConstraint } from '../pg-errors.js';

registerConstraint(
  'templates_organization_name_key',
  'name',
  'A template with this name already exists in the organization.',
);

/** Everything an admin can set on a template; durations are nanoseconds as decimal strings. */
export type TemplateSettings = Pick<
  TemplateRow,
  | 'name'
  | 'display_name'
  | 'description'
  | 'icon'
  | 'deprecated'
  | 'default_ttl'
  | 'activity_bump'
  | 'autostop_requirement_days_of_week'
  | 'autostart_block_days_of_week'
  | 'allow_user_autostart'
  | 'allow_user_autostop'
  | 'allow_user_cancel_workspace_jobs'
  | 'failure_ttl'
  | 'time_til_dormant'
  | 'time_til_dormant_autodelete'
  | 'require_active_version'
  | 'max_port_sharing_level'
> & {
  /** A plain number here; the bigint column reads back as a string. */
  autostop_requirement_weeks: number;
};

export interface InsertTemplateParams extends TemplateSettings {
  id: string;
  organization_id: string;
  provisioner: ProvisionerType;
  active_version_id: string;
  created_by: string;
}

export interface TemplateQueries {
  insertTemplate(p: InsertTemplateParams): Promise<TemplateRow>;
  /** Also returns deleted templates (old builds still name them); handlers hide them. */
  getTemplateById(id: string): Promise<TemplateRow | undefined>;
  getTemplateByOrganizationAndName(organizationId: string, name: string): Promise<TemplateRow | undefined>;
  /** Live templates, of one organization when given, by name. */
  listTemplates(organizationId?: string): Promise<TemplateRow[]>;
  updateTemplateMeta(id: string, p: TemplateSettings): Promise<TemplateRow | undefined>;
  updateTemplateActiveVersion(id: string, versionId: string): Promise<TemplateRow | undefined>;
  /**
   * Soft-deletes the template unless a live workspace uses it; undefined when one does (or the
   * template is gone). The row lock serializes with workspace creation that locks the template.
   */
  softDeleteTemplateIfUnused(id: string): Promise<TemplateRow | undefined>;
}

const settingColumns = [
  'name',
  'display_name',
  'description',
  'icon',
  'deprecated',
  'default_ttl',
  'activity_bump',
  'autostop_requirement_days_of_week',
  'autostop_requirement_weeks',
  'autostart_block_days_of_week',
  'allow_user_autostart',
  'allow_user_autostop',
  'allow_user_cancel_workspace_jobs',
  'failure_ttl',
  'time_til_dormant',
  'time_til_dormant_autodelete',
  'require_active_version',
  'max_port_sharing_level',
] as const satisfies readonly (keyof TemplateSettings)[];

/** Wraps a statement yielding template rows (a table or a CTE named `t`) with the joined fields. */
const decorated = (source: string) => `
  SELECT t.*, o.name AS organization_name, u.username AS created_by_username,
    u.avatar_url AS created_by_avatar_url,
    (SELECT count(*) FROM workspaces w WHERE w.template_id = t.id AND NOT w.deleted)::int AS workspace_count
  FROM ${source} t
  JOIN organizations o ON o.id = t.organization_id
  JOIN users u ON u.id = t.created_by`;

export function templateQueries(db: Queryable): TemplateQueries {
  return {
    async insertTemplate(p) {
      const cols = [
        'id',
        'organization_id',
        'provisioner',
        'active_version_id',
        'created_by',
        ...settingColumns,
      ];
      const values = cols.map((c) => p[c as keyof InsertTemplateParams]);
      return (await one<TemplateRow>(
        db,
        `WITH t AS (
           INSERT INTO templates (${cols.join(', ')})
           VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *
         ) ${decorated('t')}`,
        values,
      ))!;
    },
    getTemplateById: (id) => one(db, `${decorated('templates')} WHERE t.id = $1`, [id]),
    getTemplateByOrganizationAndName: (organizationId, name) =>
      one(
        db,
        `${decorated('templates')} WHERE t.organization_id = $1 AND lower(t.name) = lower($2) AND NOT t.deleted`,
        [organizationId, name],
      ),
    listTemplates: (organizationId) =>
      many(
        db,
        `${decorated('templates')} WHERE NOT t.deleted AND ($1::uuid IS NULL OR t.organization_id = $1)
         ORDER BY lower(t.name), t.id`,
        [organizationId ?? null],
      ),
    updateTemplateMeta: (id, p) =>
      one(
        db,
        `WITH t AS (
           UPDATE templates SET ${settingColumns.map((c, i) => `${c} = $${i + 2}`).join(', ')},
             updated_at = clock_timestamp()
           WHERE id = $1 AND NOT deleted RETURNING *
         ) ${decorated('t')}`,
        [id, ...settingColumns.map((c) => p[c])],
      ),
    updateTemplateActiveVersion: (id, versionId) =>
      one(
        db,
        `WITH t AS (
           UPDATE templates SET active_version_id = $2, updated_at = clock_timestamp()
           WHERE id = $1 AND NOT deleted RETURNING *
         ) ${decorated('t')}`,
        [id, versionId],
      ),
    softDeleteTemplateIfUnused: (id) =>
      one(
        db,
        `WITH t AS (
           UPDATE templates SET deleted = true, updated_at = clock_timestamp()
           WHERE id = $1 AND NOT deleted
             AND NOT EXISTS (SELECT 1 FROM workspaces w WHERE w.template_id = $1 AND NOT w.deleted)
           RETURNING *
         ) ${decorated('t')}`,
        [id],
      ),
  };
}
