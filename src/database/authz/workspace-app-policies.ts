/**
 * Policies for reaching workspace apps (Coder's workspaceapps authorizeRequest). Connecting to an
 * app is decided by its sharing level: `owner` needs application_connect on the workspace (its
 * owner, site owners); `authenticated` any signed-in user whose key may connect to apps at all;
 * `public` anyone, including visitors without a session. Path apps share the dashboard's origin,
 * so unless the deployment allows it their sharing is forced to `owner` and only the workspace's
 * owner may open them. Apps the actor may not open are reported as not found.
 * Port shares are the workspace's settings (read to list, update to change); app health is
 * written by the agent.
 */
import { systemOnly, type Policies } from './policy.js';
import { authorize, type Actor, type AuthzObject } from './rbac.js';
import { checkWorkspace } from './workspace-policies.js';
import type { AppAccess, WorkspaceAppTarget } from '../queries/workspace-apps.js';

type WorkspaceAppPolicies = Pick<
  Policies,
  | 'getWorkspaceAppForConnection'
  | 'listWorkspacePortShares'
  | 'upsertWorkspacePortShare'
  | 'deleteWorkspacePortShare'
  | 'updateWorkspaceAppHealths'
>;

export function mayConnectToApp(actor: Actor, t: WorkspaceAppTarget, access: AppAccess): boolean {
  if (actor.kind === 'system') return true;
  const isPath = access.method === 'path';
  // A stopped workspace's apps are known only to those who could open its owner-level apps.
  let level = t.transition === 'start' ? t.sharing_level : 'owner';
  if (isPath && !access.allowPathAppSharing) level = 'owner';
  if (actor.kind === 'anonymous') return level === 'public';
  if (isPath && level === 'owner' && t.owner_id !== actor.id && !access.allowPathAppSiteOwnerAccess)
    return false;
  const workspace: AuthzObject = {
    type: 'workspace',
    id: t.workspace_id,
    ownerId: t.owner_id,
    orgId: t.organization_id,
  };
  if (authorize(actor, 'application_connect', workspace)) return true;
  // "authenticated" still needs a key that may open apps at all (its scope), as on one's own workspace.
  if (level === 'authenticated')
    return authorize(actor, 'application_connect', { type: 'workspace', ownerId: actor.id });
  return level === 'public';
}

export const workspaceAppPolicies: WorkspaceAppPolicies = {
  async getWorkspaceAppForConnection({ actor, call }, _lookup, access) {
    const target = await call();
    return target && mayConnectToApp(actor, target, access) ? target : undefined;
  },
  async listWorkspacePortShares({ actor, inner, call }, workspaceId) {
    await checkWorkspace(actor, inner, workspaceId, 'read');
    return call();
  },
  async upsertWorkspacePortShare({ actor, inner, call }, row) {
    await checkWorkspace(actor, inner, row.workspace_id, 'update');
    return call();
  },
  async deleteWorkspacePortShare({ actor, inner, call }, workspaceId) {
    await checkWorkspace(actor, inner, workspaceId, 'update');
    return call();
  },
  updateWorkspaceAppHealths: systemOnly(),
};
