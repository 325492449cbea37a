/** Database rows → src/sdk wire types (Coder's db2sdk). */
import type { APIKey, SlimRole, User } from '../sdk/users.js';
import type {
  Organization,
  OrganizationMember,
  OrganizationMemberWithUserData,
} from '../sdk/organizations.js';
import type { APIKeyRow, OrganizationMemberRow, OrganizationRow, UserRow } from '../database/models.js';
import type { OrganizationMemberWithUserRow } from '../database/queries/organizations.js';
import { roles } from '../database/authz/rbac.js';

const iso = (d: Date): string => d.toISOString();

export function slimRole(name: string, organizationId?: string): SlimRole {
  const known = (roles as Record<string, { displayName: string }>)[name];
  const role: SlimRole = { name, display_name: known?.displayName ?? name };
  if (organizationId) role.organization_id = organizationId;
  return role;
}

export function toUser(u: UserRow, organizationIds: string[]): User {
  return {
    id: u.id,
    username: u.username,
    email: u.email,
    name: u.name,
    avatar_url: u.avatar_url,
    created_at: iso(u.created_at),
    updated_at: iso(u.updated_at),
    last_seen_at: iso(u.last_seen_at),
    status: u.status,
    login_type: u.login_type,
    organization_ids: organizationIds,
    roles: u.rbac_roles.map((r) => slimRole(r)),
  };
}

export function toOrganization(o: OrganizationRow): Organization {
  return {
    id: o.id,
    name: o.name,
    display_name: o.display_name,
    description: o.description,
    icon: o.icon,
    is_default: o.is_default,
    created_at: iso(o.created_at),
    updated_at: iso(o.updated_at),
  };
}

export function toOrganizationMember(m: OrganizationMemberRow): OrganizationMember {
  return {
    user_id: m.user_id,
    organization_id: m.organization_id,
    created_at: iso(m.created_at),
    updated_at: iso(m.updated_at),
    roles: m.roles.map((r) => slimRole(r, m.organization_id)),
  };
}

export function toOrganizationMemberWithUser(
  m: OrganizationMemberWithUserRow,
): OrganizationMemberWithUserData {
  return {
    ...toOrganizationMember(m),
    username: m.username,
    name: m.name,
    email: m.email,
    avatar_url: m.avatar_url,
    global_roles: m.rbac_roles.map((r) => slimRole(r)),
  };
}

export function toAPIKey(k: APIKeyRow): APIKey {
  return {
    id: k.id,
    user_id: k.user_id,
    last_used: iso(k.last_used),
    expires_at: iso(k.expires_at),
    created_at: iso(k.created_at),
    updated_at: iso(k.updated_at),
    login_type: k.login_type,
    scope: k.scope,
    token_name: k.token_name,
    lifetime_seconds: Number(k.lifetime_seconds),
  };
}
