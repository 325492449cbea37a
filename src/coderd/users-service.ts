/** User lifecycle rules: creation, status changes, deletion, passwords. Handlers stay adapters. */
import { randomUUID } from 'node:crypto';
import { Conflict, Forbidden, InvalidInput, Validator } from '../sdk/errors.js';
import { passwordProblem } from '../sdk/validation.js';
import type { CreateFirstUserRequest, CreateUserRequest, UpdateUserPasswordRequest } from '../sdk/users.js';
import type { Store } from '../database/store.js';
import type { UserRow } from '../database/models.js';
import { currentActor } from '../database/authz/actor-context.js';
import { isSiteRole } from '../database/authz/rbac.js';
import { hashPassword, verifyPassword } from './userpassword.js';

export class UsersService {
  constructor(
    private readonly store: Store,
    private readonly defaultOrganizationId: () => string,
  ) {}

  /** The first user becomes owner; a concurrent second attempt gets Conflict and writes nothing. */
  async createFirstUser(req: CreateFirstUserRequest): Promise<{ user: UserRow; organizationId: string }> {
    const hashed = await hashPassword(req.password);
    const organizationId = this.defaultOrganizationId();
    return this.store.inTx(async (tx) => {
      const id = randomUUID();
      // The marker row serialises concurrent attempts: the loser waits for the winner's commit.
      const winner = await tx.insertSiteConfigIfAbsent('first_user_id', id);
      if (winner !== id || (await tx.countUsers()) > 0) {
        throw new Conflict('The first user has already been created.', {
          detail: 'Log in with an existing account.',
        });
      }
      const user = await tx.insertUser({
        id,
        email: req.email,
        username: req.username,
        name: req.name ?? '',
        hashed_password: hashed,
        login_type: 'password',
        rbac_roles: ['owner'],
      });
      await tx.insertOrganizationMember({ organization_id: organizationId, user_id: id, roles: [] });
      return { user, organizationId };
    });
  }

  async createUser(req: CreateUserRequest): Promise<UserRow> {
    const v = new Validator();
    const loginType = req.login_type ?? 'password';
    if (loginType === 'password') {
      const problem =
        req.password === undefined
          ? 'Required when login_type is "password".'
          : passwordProblem(req.password);
      if (problem) v.add('password', problem);
    } else if (req.password) {
      v.add('password', 'Must be empty when login_type is "none".');
    }
    for (const r of req.roles ?? [])
      if (!isSiteRole(r) || r === 'member') v.add('roles', `Unknown or implicit role "${r}".`);
    v.throwIfInvalid('Could not create the user.');
    const hashed = loginType === 'password' ? await hashPassword(req.password!) : '';
    const orgIds = req.organization_ids?.length ? req.organization_ids : [this.defaultOrganizationId()];
    return this.store.inTx(async (tx) => {
      for (const orgId of orgIds) {
        if (!(await tx.getOrganizationById(orgId)))
          throw InvalidInput.field('organization_ids', `Organization ${orgId} does not exist.`);
      }
      const user = await tx.insertUser({
        id: randomUUID(),
        email: req.email,
        username: req.username,
        name: req.name ?? '',
        hashed_password: hashed,
        login_type: loginType,
        rbac_roles: [],
      });
      for (const orgId of orgIds)
        await tx.insertOrganizationMember({ organization_id: orgId, user_id: user.id, roles: [] });
      // Roles go through the authorizing store's assignment rules, inside the same transaction.
      return req.roles?.length ? ((await tx.updateUserRoles(user.id, req.roles)) ?? user) : user;
    });
  }

  /** Suspending revokes every key at once, in the same transaction. */
  async setStatus(user: UserRow, status: 'active' | 'suspended'): Promise<UserRow> {
    if (status === 'suspended') this.refuseSelf(user, 'suspend');
    return this.store.inTx(async (tx) => {
      const updated = (await tx.updateUserStatus(user.id, status))!;
      if (status === 'suspended') await tx.deleteAPIKeysByUser(user.id);
      return updated;
    });
  }

  async delete(user: UserRow): Promise<void> {
    this.refuseSelf(user, 'delete');
    await this.store.inTx(async (tx) => {
      await tx.softDeleteUser(user.id);
      await tx.deleteAPIKeysByUser(user.id);
    });
  }

  async changePassword(user: UserRow, req: UpdateUserPasswordRequest): Promise<void> {
    const actor = currentActor();
    const self = actor?.kind === 'user' && actor.id === user.id;
    if (self) {
      // Someone holding a stolen session must not be able to lock the owner out.
      if (!req.old_password)
        throw InvalidInput.field('old_password', 'Required to change your own password.');
      if (!(await verifyPassword(user.hashed_password, req.old_password))) {
        throw InvalidInput.field('old_password', 'Does not match your current password.');
      }
    }
    await this.store.updateUserPassword(user.id, await hashPassword(req.password));
  }

  async updateRoles(user: UserRow, roles: string[]): Promise<UserRow> {
    const v = new Validator();
    for (const r of roles)
      if (!isSiteRole(r) || r === 'member') v.add('roles', `Unknown or implicit role "${r}".`);
    v.throwIfInvalid('Could not update roles.');
    const actor = currentActor();
    if (
      actor?.kind === 'user' &&
      actor.id === user.id &&
      user.rbac_roles.includes('owner') &&
      !roles.includes('owner')
    ) {
      throw new Forbidden('You cannot remove the owner role from yourself.');
    }
    return (await this.store.updateUserRoles(user.id, [...new Set(roles)]))!;
  }

  private refuseSelf(user: UserRow, verb: string): void {
    const actor = currentActor();
    if (actor?.kind === 'user' && actor.id === user.id) throw new Forbidden(`You cannot ${verb} yourself.`);
  }
}
