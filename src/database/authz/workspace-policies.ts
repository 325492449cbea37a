/**
 * Policies for workspaces and builds (Coder's dbauthz for workspaces): owners of a workspace do
 * everything on it, site owners on all, template admins read all; other members see nothing (404).
 * A build is authorized as its workspace; its Terraform state as its template (Coder: reading or
 * replacing state needs template update, like a push).
 */
import { NotFound } from '../../sdk/errors.js';
import { check, readMany, readOne, systemOnly, write, type Policies } from './policy.js';
import { authorize, type Action, type Actor, type AuthzObject } from './rbac.js';
import type { WorkspaceBuildWithNamesRow, WorkspaceRow } from '../models.js';
import type { Store } from '../store.js';
import { templateObject, versionObject } from './template-policies.js';

type WorkspacePolicies = Pick<
  Policies,
  | 'insertWorkspace'
  | 'getWorkspaceById'
  | 'getWorkspaceByOwnerAndName'
  | 'listWorkspaces'
  | 'updateWorkspaceName'
  | 'updateWorkspaceTTL'
  | 'updateWorkspaceAutostart'
  | 'markWorkspaceDeleted'
  | 'getTemplateVersionWithImport'
  | 'completeOrphanDeleteJob'
  | 'insertWorkspaceBuild'
  | 'getWorkspaceBuildById'
  | 'getWorkspaceBuildByJobId'
  | 'getWorkspaceBuildByNumber'
  | 'listLatestWorkspaceBuilds'
  | 'listWorkspaceBuilds'
  | 'lockLatestWorkspaceBuild'
  | 'insertWorkspaceBuildParameters'
  | 'listWorkspaceBuildParameters'
  | 'getWorkspaceBuildState'
  | 'updateWorkspaceBuildState'
  | 'updateWorkspaceBuildResult'
  | 'listWorkspaceBuildJobs'
  | 'listWorkspaceBuildLogsAfter'
  | 'cancelWorkspaceBuildJob'
>;

export const workspaceObject = (
  w: Pick<WorkspaceRow, 'id' | 'owner_id' | 'organization_id'>,
): AuthzObject => ({
  type: 'workspace',
  id: w.id,
  ownerId: w.owner_id,
  orgId: w.organization_id,
});
const buildWorkspace = (b: WorkspaceBuildWithNamesRow): AuthzObject => ({
  type: 'workspace',
  id: b.workspace_id,
  ownerId: b.workspace_owner_id,
  orgId: b.workspace_organization_id,
});
export async function checkWorkspace(actor: Actor, inner: Store, id: string, action: Action): Promise<void> {
  const w = await inner.getWorkspaceById(id, true);
  if (!w) throw new NotFound('Workspace not found.');
  check(actor, action, workspaceObject(w), 'Workspace');
}

async function checkBuild(
  actor: Actor,
  inner: Store,
  id: string,
  action: Action,
): Promise<WorkspaceBuildWithNamesRow> {
  const b = await inner.getWorkspaceBuildById(id);
  if (!b) throw new NotFound('Workspace build not found.');
  check(actor, action, buildWorkspace(b), 'Workspace build');
  return b;
}

/** State is the template's business: the build must be readable, then template update decides. */
async function checkState(
  actor: Actor,
  inner: Store,
  buildId: string,
  action: 'read' | 'update',
): Promise<void> {
  const b = await checkBuild(actor, inner, buildId, 'read');
  const obj = templateObject({ id: b.workspace_template_id, organization_id: b.workspace_organization_id });
  if (authorize(actor, 'update', obj)) return;
  if (action === 'read') throw new NotFound('Workspace build state not found.');
  check(actor, 'update', obj, 'Template');
}

export const workspacePolicies: WorkspacePolicies = {
  insertWorkspace: write(
    'create',
    (p) => ({ type: 'workspace', ownerId: p.owner_id, orgId: p.organization_id }),
    'Workspace',
  ),
  getWorkspaceById: readOne(workspaceObject),
  getWorkspaceByOwnerAndName: readOne(workspaceObject),
  async listWorkspaces({ actor, call, inner }, p) {
    // Without site-wide read, a member lists only their own workspaces.
    if (actor.kind === 'system' || authorize(actor, 'read', { type: 'workspace' })) return call();
    if (actor.kind === 'anonymous') return { workspaces: [], count: 0 };
    return inner.listWorkspaces({ ...p, owner_ids: [actor.id] });
  },
  async updateWorkspaceName({ actor, inner, call }, id) {
    await checkWorkspace(actor, inner, id, 'update');
    return call();
  },
  async updateWorkspaceTTL({ actor, inner, call }, id) {
    await checkWorkspace(actor, inner, id, 'update');
    return call();
  },
  async updateWorkspaceAutostart({ actor, inner, call }, id) {
    await checkWorkspace(actor, inner, id, 'update');
    return call();
  },
  async markWorkspaceDeleted({ actor, inner, call }, id) {
    await checkWorkspace(actor, inner, id, 'delete');
    return call();
  },

  getTemplateVersionWithImport: readOne(versionObject),
  async completeOrphanDeleteJob({ actor, inner, call }, buildId) {
    await checkBuild(actor, inner, buildId, 'delete');
    return call();
  },
  async insertWorkspaceBuild({ actor, inner, call }, p) {
    await checkWorkspace(actor, inner, p.workspace_id, p.transition === 'delete' ? 'delete' : 'update');
    return call();
  },
  getWorkspaceBuildById: readOne(buildWorkspace),
  getWorkspaceBuildByJobId: readOne(buildWorkspace),
  getWorkspaceBuildByNumber: readOne(buildWorkspace),
  listLatestWorkspaceBuilds: readMany(buildWorkspace),
  listWorkspaceBuilds: readMany(buildWorkspace),
  async lockLatestWorkspaceBuild({ actor, inner, call }, workspaceId) {
    await checkWorkspace(actor, inner, workspaceId, 'read');
    return call();
  },
  async insertWorkspaceBuildParameters({ actor, inner, call }, buildId) {
    await checkBuild(actor, inner, buildId, 'update');
    return call();
  },
  async listWorkspaceBuildParameters({ actor, inner, call }, buildId) {
    await checkBuild(actor, inner, buildId, 'read');
    return call();
  },
  async getWorkspaceBuildState({ actor, inner, call }, buildId) {
    await checkState(actor, inner, buildId, 'read');
    return call();
  },
  async updateWorkspaceBuildState({ actor, inner, call }, buildId) {
    await checkState(actor, inner, buildId, 'update');
    return call();
  },
  updateWorkspaceBuildResult: systemOnly(),
  listWorkspaceBuildJobs: readMany((j) => ({
    type: 'workspace',
    ownerId: j.workspace_owner_id,
    orgId: j.workspace_organization_id,
  })),
  async listWorkspaceBuildLogsAfter({ actor, inner, call }, buildId) {
    await checkBuild(actor, inner, buildId, 'read');
    return call();
  },
  async cancelWorkspaceBuildJob({ actor, inner, call }, buildId) {
    await checkBuild(actor, inner, buildId, 'update');
    return call();
  },
};
