/** Policies for users, organizations, API keys and site settings. */
import { NotFound } from '../../sdk/errors.js';
import { check, readMany, readOne, systemOnly, write, type Policies } from './policy.js';
import { authorize, canAssignRole, type AuthzObject } from './rbac.js';
import { Forbidden } from '../../sdk/errors.js';
import type { APIKeyRow, OrganizationRow, UserRow } from '../models.js';

type IdentityPolicies = Pick<
  Policies,
  | 'insertUser'
  | 'getUserById'
  | 'getUserByUsername'
  | 'getUserByEmail'
  | 'listUsers'
  | 'countUsers'
  | 'updateUserStatus'
  | 'updateUserPassword'
  | 'updateUserRoles'
  | 'updateUserLastSeen'
  | 'softDeleteUser'
  | 'insertOrganization'
  | 'getDefaultOrganization'
  | 'getOrganizationById'
  | 'getOrganizationByName'
  | 'listOrganizations'
  | 'listOrganizationsByUser'
  | 'insertOrganizationMember'
  | 'getOrganizationMember'
  | 'listOrganizationMembers'
  | 'listOrganizationIdsByUsers'
  | 'insertAPIKey'
  | 'getAPIKeyById'
  | 'getAPIKeySession'
  | 'listTokensByUser'
  | 'getTokenByName'
  | 'deleteAPIKey'
  | 'deleteAPIKeysByUser'
  | 'touchAPIKey'
  | 'getSiteConfig'
  | 'insertSiteConfigIfAbsent'
  | 'ping'
>;

export const userObject = (id: string): AuthzObject => ({ type: 'user', id, ownerId: id });
const userRow = (u: UserRow) => userObject(u.id);
const orgRow = (o: OrganizationRow): AuthzObject => ({ type: 'organization', id: o.id, orgId: o.id });
const keyObject = (k: Pick<APIKeyRow, 'id' | 'user_id'>): AuthzObject => ({
  type: 'api_key',
  id: k.id,
  ownerId: k.user_id,
});

export const identityPolicies: IdentityPolicies = {
  insertUser: write('create', () => ({ type: 'user' }), 'User'),
  getUserById: readOne(userRow),
  getUserByUsername: readOne(userRow),
  getUserByEmail: readOne(userRow),
  async listUsers({ actor, call, inner }, p) {
    // Without site-wide read, a user lists only themselves: others' accounts stay invisible.
    if (authorize(actor, 'read', { type: 'user' })) return call();
    if (actor.kind === 'system') return call();
    if (actor.kind === 'anonymous') return { users: [], count: 0 };
    return inner.listUsers({ ...p, ids: [actor.id] });
  },
  countUsers: systemOnly(),
  updateUserStatus: write('update', (id) => userObject(id), 'User'),
  async updateUserPassword({ actor, call }, id) {
    // Everyone may change their own password; changing someone else's needs user update rights.
    if (!(actor.kind === 'user' && actor.id === id)) check(actor, 'update', userObject(id), 'User');
    return call();
  },
  async updateUserRoles({ actor, call, inner }, id, next) {
    check(actor, 'update', userObject(id), 'User');
    const current = await inner.getUserById(id);
    if (!current) throw new NotFound('User not found.');
    const changed = [
      ...next.filter((r) => !current.rbac_roles.includes(r)),
      ...current.rbac_roles.filter((r) => !next.includes(r)),
    ];
    const refused = changed.filter((r) => !canAssignRole(actor, r));
    if (refused.length)
      throw new Forbidden(`You are not allowed to assign or remove the role(s): ${refused.join(', ')}.`);
    return call();
  },
  updateUserLastSeen: systemOnly(),
  softDeleteUser: write('delete', (id) => userObject(id), 'User'),

  insertOrganization: write('create', () => ({ type: 'organization' }), 'Organization'),
  getDefaultOrganization: readOne(orgRow),
  getOrganizationById: readOne(orgRow),
  getOrganizationByName: readOne(orgRow),
  listOrganizations: readMany(orgRow),
  listOrganizationsByUser: readMany(orgRow),
  insertOrganizationMember: write(
    'create',
    (p) => ({ type: 'organization_member', orgId: p.organization_id, ownerId: p.user_id }),
    'Organization member',
  ),
  getOrganizationMember: readOne((m) => ({
    type: 'organization_member',
    orgId: m.organization_id,
    ownerId: m.user_id,
  })),
  listOrganizationMembers: readMany((m) => ({
    type: 'organization_member',
    orgId: m.organization_id,
    ownerId: m.user_id,
  })),
  async listOrganizationIdsByUsers({ actor, call }, userIds) {
    // Membership ids are part of what a reader of those users sees (`organization_ids`).
    for (const id of userIds) check(actor, 'read', userObject(id), 'User');
    return call();
  },

  insertAPIKey: write('create', (p) => ({ type: 'api_key', ownerId: p.user_id }), 'API key'),
  getAPIKeyById: readOne(keyObject),
  // Only the authentication actor resolves a token to its session.
  getAPIKeySession: systemOnly(),
  listTokensByUser: readMany(keyObject),
  getTokenByName: readOne(keyObject),
  async deleteAPIKey({ actor, call, inner }, id) {
    const key = await inner.getAPIKeyById(id);
    if (!key) throw new NotFound('API key not found.');
    check(actor, 'delete', keyObject(key), 'API key');
    return call();
  },
  async deleteAPIKeysByUser({ actor, call }, userId) {
    // Revoking everything is part of suspending or deleting a user, or of the user's own cleanup.
    if (!authorize(actor, 'update', userObject(userId)))
      check(actor, 'delete', { type: 'api_key', ownerId: userId }, 'API key');
    return call();
  },
  touchAPIKey: systemOnly(),

  getSiteConfig: systemOnly(),
  insertSiteConfigIfAbsent: systemOnly(),
  ping: write('read', () => ({ type: 'debug_info' }), 'Health report'),
};
