/**
 * Role-based access control: which actor may do what to which object. Pure functions, used only by
 * ./authz-store.ts. Permissions are `<resource>:<action>` strings with `*` wildcards, granted at
 * three levels as in Coder: site-wide, in organizations the actor belongs to, and on objects the
 * actor owns.
 */
import type { APIKeyScope, SiteRole } from '../../sdk/users.js';

export type ResourceType =
  | 'user'
  | 'api_key'
  | 'organization'
  | 'organization_member'
  | 'assign_role'
  | 'site_config'
  | 'debug_info'
  | 'deployment_config'
  | 'audit_log'
  | 'template'
  | 'file'
  | 'workspace'
  | 'provisioner_daemon'
  | 'provisioner_job'
  | 'provisioner_key'
  | 'replica'
  | 'system';

export type Action = 'create' | 'read' | 'update' | 'delete' | 'ssh' | 'application_connect';

export interface AuthzObject {
  type: ResourceType;
  id?: string;
  /** The user who owns the object (for users: themselves). */
  ownerId?: string;
  orgId?: string;
}

export interface UserActor {
  kind: 'user';
  id: string;
  username: string;
  roles: string[];
  orgIds: string[];
  scope: APIKeyScope;
}

export interface SystemActor {
  kind: 'system';
  /** Named so logs and audit show which subsystem acted (see ./actors.ts). */
  name: string;
}

/**
 * A visitor with no session (a public workspace app). It is granted nothing: only policies that
 * say so let it through (see workspace-app-policies.ts).
 */
export interface AnonymousActor {
  kind: 'anonymous';
}

export type Actor = UserActor | SystemActor | AnonymousActor;

interface RolePermissions {
  displayName: string;
  site: string[];
  org: string[];
  owned: string[];
}

const memberOwned = ['user:read', 'api_key:*', 'workspace:*', 'file:read', 'provisioner_job:read'];
const memberOrg = [
  'organization:read',
  'organization_member:read',
  'template:read',
  'provisioner_daemon:read',
];

export const roles: Record<SiteRole, RolePermissions> = {
  owner: { displayName: 'Owner', site: ['*'], org: [], owned: [] },
  member: { displayName: 'Member', site: ['assign_role:read'], org: memberOrg, owned: memberOwned },
  'template-admin': {
    displayName: 'Template Admin',
    site: [
      'template:*',
      'file:*',
      'workspace:read',
      'provisioner_daemon:*',
      'provisioner_job:*',
      'provisioner_key:*',
      'user:read',
      'organization:read',
      'organization_member:read',
    ],
    org: [],
    owned: [],
  },
  'user-admin': {
    displayName: 'User Admin',
    site: ['user:*', 'organization_member:*', 'organization:read', 'assign_role:*'],
    org: [],
    owned: [],
  },
  auditor: {
    displayName: 'Auditor',
    site: [
      'audit_log:read',
      'template:read',
      'user:read',
      'organization:read',
      'organization_member:read',
      'deployment_config:read',
    ],
    org: [],
    owned: [],
  },
};

/** Every signed-in user is a member; site roles add to that. */
function effectiveRoles(actor: UserActor): RolePermissions[] {
  const out = [roles.member];
  for (const r of actor.roles) if (r in roles && r !== 'member') out.push(roles[r as SiteRole]);
  return out;
}

function grants(perms: string[], type: ResourceType, action: Action): boolean {
  return perms.some((p) => p === '*' || p === `${type}:*` || p === `${type}:${action}`);
}

/** Actions an application-connect key may perform (it only opens apps). */
const applicationConnectActions = new Set<Action>(['application_connect']);

export function authorize(actor: Actor, action: Action, object: AuthzObject): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind === 'anonymous') return false;
  if (actor.scope === 'application_connect' && !applicationConnectActions.has(action)) {
    // Such keys may still read their own user, which the app proxy needs to identify the visitor.
    if (!(object.type === 'user' && action === 'read' && object.id === actor.id)) return false;
  }
  for (const role of effectiveRoles(actor)) {
    if (grants(role.site, object.type, action)) return true;
    if (object.orgId && actor.orgIds.includes(object.orgId) && grants(role.org, object.type, action))
      return true;
    if (object.ownerId === actor.id && grants(role.owned, object.type, action)) return true;
  }
  return false;
}

/** Which site roles an actor may grant or revoke: owners any, user admins any but owner. */
export function canAssignRole(actor: Actor, role: string): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind === 'anonymous') return false;
  if (actor.roles.includes('owner')) return true;
  return actor.roles.includes('user-admin') && role !== 'owner';
}

export function isSiteRole(role: string): role is SiteRole {
  return role in roles;
}
