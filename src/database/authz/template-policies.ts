/**
 * Policies for files, templates and template versions. Members read the templates (and versions)
 * of their organizations; template admins and owners create, edit and delete them. A file is read
 * by its uploader and by template admins. What an import stores is written by provisionerd only.
 */
import { NotFound } from '../../sdk/errors.js';
import { check, readMany, readOne, systemOnly, write, type Policies } from './policy.js';
import type { Action, Actor, AuthzObject } from './rbac.js';
import type { FileRow, TemplateRow, TemplateVersionRow } from '../models.js';
import type { Store } from '../store.js';

type TemplatePolicies = Pick<
  Policies,
  | 'insertFile'
  | 'getFileById'
  | 'getFileByHashAndCreator'
  | 'insertTemplate'
  | 'getTemplateById'
  | 'getTemplateByOrganizationAndName'
  | 'listTemplates'
  | 'updateTemplateMeta'
  | 'updateTemplateActiveVersion'
  | 'softDeleteTemplateIfUnused'
  | 'insertTemplateVersion'
  | 'getTemplateVersionById'
  | 'getTemplateVersionByJobId'
  | 'getTemplateVersionByTemplateAndName'
  | 'listTemplateVersionsByTemplate'
  | 'updateTemplateVersion'
  | 'attachTemplateVersion'
  | 'setTemplateVersionImportResult'
  | 'insertTemplateVersionParameters'
  | 'listTemplateVersionParameters'
  | 'insertTemplateVersionVariables'
  | 'listTemplateVersionVariables'
>;

const fileObject = (f: Pick<FileRow, 'id' | 'created_by'>): AuthzObject => ({
  type: 'file',
  id: f.id,
  ownerId: f.created_by,
});
export const templateObject = (t: Pick<TemplateRow, 'id' | 'organization_id'>): AuthzObject => ({
  type: 'template',
  id: t.id,
  orgId: t.organization_id,
});
// A version is guarded by its template; before it has one, by the organization's templates.
export const versionObject = (
  v: Pick<TemplateVersionRow, 'template_id' | 'organization_id'>,
): AuthzObject => ({
  type: 'template',
  id: v.template_id ?? undefined,
  orgId: v.organization_id,
});

async function checkTemplate(actor: Actor, inner: Store, id: string, action: Action): Promise<void> {
  const t = await inner.getTemplateById(id);
  if (!t || t.deleted) throw new NotFound('Template not found.');
  check(actor, action, templateObject(t), 'Template');
}

async function checkVersion(actor: Actor, inner: Store, id: string, action: Action): Promise<void> {
  const v = await inner.getTemplateVersionById(id);
  if (!v) throw new NotFound('Template version not found.');
  check(actor, action, versionObject(v), 'Template version');
}

export const templatePolicies: TemplatePolicies = {
  insertFile: write('create', (p) => ({ type: 'file', ownerId: p.created_by }), 'File'),
  getFileById: readOne(fileObject),
  getFileByHashAndCreator: readOne(fileObject),

  insertTemplate: write('create', (p) => ({ type: 'template', orgId: p.organization_id }), 'Template'),
  getTemplateById: readOne(templateObject),
  getTemplateByOrganizationAndName: readOne(templateObject),
  listTemplates: readMany(templateObject),
  async updateTemplateMeta({ actor, inner, call }, id) {
    await checkTemplate(actor, inner, id, 'update');
    return call();
  },
  async updateTemplateActiveVersion({ actor, inner, call }, id) {
    await checkTemplate(actor, inner, id, 'update');
    return call();
  },
  async softDeleteTemplateIfUnused({ actor, inner, call }, id) {
    await checkTemplate(actor, inner, id, 'delete');
    return call();
  },

  async insertTemplateVersion({ actor, inner, call }, p) {
    // A new version of an existing template edits that template; a first version creates one.
    if (p.template_id) await checkTemplate(actor, inner, p.template_id, 'update');
    else check(actor, 'create', { type: 'template', orgId: p.organization_id }, 'Template');
    return call();
  },
  getTemplateVersionById: readOne(versionObject),
  getTemplateVersionByJobId: readOne(versionObject),
  getTemplateVersionByTemplateAndName: readOne(versionObject),
  listTemplateVersionsByTemplate: readMany(versionObject),
  async updateTemplateVersion({ actor, inner, call }, id) {
    await checkVersion(actor, inner, id, 'update');
    return call();
  },
  async attachTemplateVersion({ actor, inner, call }, id, templateId) {
    await checkVersion(actor, inner, id, 'update');
    await checkTemplate(actor, inner, templateId, 'update');
    return call();
  },
  setTemplateVersionImportResult: systemOnly(),
  insertTemplateVersionParameters: systemOnly(),
  async listTemplateVersionParameters({ actor, inner, call }, versionId) {
    await checkVersion(actor, inner, versionId, 'read');
    return call();
  },
  insertTemplateVersionVariables: systemOnly(),
  async listTemplateVersionVariables({ actor, inner, call }, versionId) {
    await checkVersion(actor, inner, versionId, 'read');
    return call();
  },
};
