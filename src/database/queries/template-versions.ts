/** SQL for template versions and what their import stored: parameters, variables, readme. */
import { insertMany, many, one, type Queryable } from '../db.js';
import type {
  TemplateVersionParameterRow,
  TemplateVersionRow,
  TemplateVersionVariableRow,
} from '../models.js';
import { registerConstraint } from '../pg-errors.js';

registerConstraint(
  'template_versions_template_name_key',
  'name',
  'A version with this name already exists in the template.',
);

export interface InsertTemplateVersionParams {
  id: string;
  template_id: string | null;
  organization_id: string;
  name: string;
  message: string;
  job_id: string;
  created_by: string;
}

export type InsertTemplateVersionParameter = Omit<TemplateVersionParameterRow, 'template_version_id'>;
export type InsertTemplateVersionVariable = Omit<TemplateVersionVariableRow, 'template_version_id'>;

export interface TemplateVersionQueries {
  insertTemplateVersion(p: InsertTemplateVersionParams): Promise<TemplateVersionRow>;
  getTemplateVersionById(id: string): Promise<TemplateVersionRow | undefined>;
  getTemplateVersionByJobId(jobId: string): Promise<TemplateVersionRow | undefined>;
  getTemplateVersionByTemplateAndName(
    templateId: string,
    name: string,
  ): Promise<TemplateVersionRow | undefined>;
  /** Unarchived versions of a template, oldest first (Coder's order). */
  listTemplateVersionsByTemplate(templateId: string): Promise<TemplateVersionRow[]>;
  updateTemplateVersion(
    id: string,
    p: { name: string; message: string },
  ): Promise<TemplateVersionRow | undefined>;
  /** Attaches a version that has no template yet; undefined when it already has one. */
  attachTemplateVersion(id: string, templateId: string): Promise<TemplateVersionRow | undefined>;
  /** What the import found besides parameters and variables. */
  setTemplateVersionImportResult(
    id: string,
    p: { readme: string; external_auth_providers: { id: string; optional: boolean }[] },
  ): Promise<void>;
  insertTemplateVersionParameters(versionId: string, params: InsertTemplateVersionParameter[]): Promise<void>;
  /** In the template's display order. */
  listTemplateVersionParameters(versionId: string): Promise<TemplateVersionParameterRow[]>;
  insertTemplateVersionVariables(versionId: string, vars: InsertTemplateVersionVariable[]): Promise<void>;
  listTemplateVersionVariables(versionId: string): Promise<TemplateVersionVariableRow[]>;
}

const decorated = (source: string) => `
  SELECT v.*, u.username AS created_by_username, u.avatar_url AS created_by_avatar_url
  FROM ${source} v JOIN users u ON u.id = v.created_by`;

export function templateVersionQueries(db: Queryable): TemplateVersionQueries {
  return {
    async insertTemplateVersion(p) {
      return (await one<TemplateVersionRow>(
        db,
        `WITH v AS (
           INSERT INTO template_versions (id, template_id, organization_id, name, message, job_id, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *
         ) ${decorated('v')}`,
        [p.id, p.template_id, p.organization_id, p.name, p.message, p.job_id, p.created_by],
      ))!;
    },
    getTemplateVersionById: (id) => one(db, `${decorated('template_versions')} WHERE v.id = $1`, [id]),
    getTemplateVersionByJobId: (jobId) =>
      one(db, `${decorated('template_versions')} WHERE v.job_id = $1`, [jobId]),
    getTemplateVersionByTemplateAndName: (templateId, name) =>
      one(db, `${decorated('template_versions')} WHERE v.template_id = $1 AND lower(v.name) = lower($2)`, [
        templateId,
        name,
      ]),
    listTemplateVersionsByTemplate: (templateId) =>
      many(
        db,
        `${decorated('template_versions')} WHERE v.template_id = $1 AND NOT v.archived
         ORDER BY v.created_at, v.id`,
        [templateId],
      ),
    updateTemplateVersion: (id, p) =>
      one(
        db,
        `WITH v AS (
           UPDATE template_versions SET name = $2, message = $3, updated_at = clock_timestamp()
           WHERE id = $1 RETURNING *
         ) ${decorated('v')}`,
        [id, p.name, p.message],
      ),
    attachTemplateVersion: (id, templateId) =>
      one(
        db,
        `WITH v AS (
           UPDATE template_versions SET template_id = $2, updated_at = clock_timestamp()
           WHERE id = $1 AND template_id IS NULL RETURNING *
         ) ${decorated('v')}`,
        [id, templateId],
      ),
    async setTemplateVersionImportResult(id, p) {
      await db.query(
        `UPDATE template_versions SET readme = $2, external_auth_providers = $3, updated_at = clock_timestamp()
         WHERE id = $1`,
        [id, p.readme, JSON.stringify(p.external_auth_providers)],
      );
    },
    insertTemplateVersionParameters: (versionId, params) =>
      insertMany(
        db,
        'template_version_parameters',
        params.map((p) => ({ template_version_id: versionId, ...p })),
      ),
    listTemplateVersionParameters: (versionId) =>
      many(
        db,
        `SELECT * FROM template_version_parameters WHERE template_version_id = $1 ORDER BY display_order, lower(name)`,
        [versionId],
      ),
    insertTemplateVersionVariables: (versionId, vars) =>
      insertMany(
        db,
        'template_version_variables',
        vars.map((v) => ({ template_version_id: versionId, ...v })),
      ),
    listTemplateVersionVariables: (versionId) =>
      many(db, `SELECT * FROM template_version_variables WHERE template_version_id = $1 ORDER BY name`, [
        versionId,
      ]),
  };
}
