/** SQL for organizations and their members. */
import { many, one, type Queryable } from '../db.js';
import type { OrganizationMemberRow, OrganizationRow } from '../models.js';

export interface OrganizationMemberWithUserRow extends OrganizationMemberRow {
  username: string;
  name: string;
  email: string;
  avatar_url: string;
  rbac_roles: string[];
}

export interface OrganizationQueries {
  insertOrganization(p: {
    id: string;
    name: string;
    display_name: string;
    is_default: boolean;
  }): Promise<OrganizationRow>;
  getDefaultOrganization(): Promise<OrganizationRow | undefined>;
  getOrganizationById(id: string): Promise<OrganizationRow | undefined>;
  getOrganizationByName(name: string): Promise<OrganizationRow | undefined>;
  listOrganizations(): Promise<OrganizationRow[]>;
  /** Organizations the user is a member of. */
  listOrganizationsByUser(userId: string): Promise<OrganizationRow[]>;
  insertOrganizationMember(p: {
    organization_id: string;
    user_id: string;
    roles: string[];
  }): Promise<OrganizationMemberRow>;
  getOrganizationMember(organizationId: string, userId: string): Promise<OrganizationMemberRow | undefined>;
  /** Members of non-deleted users with their user data. */
  listOrganizationMembers(organizationId: string): Promise<OrganizationMemberWithUserRow[]>;
  /** Organization ids per user, for building actors and `organization_ids`. */
  listOrganizationIdsByUsers(userIds: string[]): Promise<Map<string, string[]>>;
}

const orgCols = 'id, name, display_name, description, icon, is_default, created_at, updated_at';

export function organizationQueries(db: Queryable): OrganizationQueries {
  return {
    async insertOrganization(p) {
      return (await one<OrganizationRow>(
        db,
        `INSERT INTO organizations (id, name, display_name, is_default) VALUES ($1, $2, $3, $4) RETURNING ${orgCols}`,
        [p.id, p.name, p.display_name, p.is_default],
      ))!;
    },
    getDefaultOrganization: () => one(db, `SELECT ${orgCols} FROM organizations WHERE is_default`),
    getOrganizationById: (id) => one(db, `SELECT ${orgCols} FROM organizations WHERE id = $1`, [id]),
    getOrganizationByName: (name) =>
      one(db, `SELECT ${orgCols} FROM organizations WHERE lower(name) = lower($1)`, [name]),
    listOrganizations: () => many(db, `SELECT ${orgCols} FROM organizations ORDER BY created_at, id`),
    listOrganizationsByUser: (userId) =>
      many(
        db,
        `SELECT ${orgCols.replace(/(\w+)/g, 'o.$1')} FROM organizations o
         JOIN organization_members m ON m.organization_id = o.id WHERE m.user_id = $1 ORDER BY o.created_at`,
        [userId],
      ),
    async insertOrganizationMember(p) {
      return (await one<OrganizationMemberRow>(
        db,
        `INSERT INTO organization_members (organization_id, user_id, roles) VALUES ($1, $2, $3) RETURNING *`,
        [p.organization_id, p.user_id, p.roles],
      ))!;
    },
    getOrganizationMember: (organizationId, userId) =>
      one(db, `SELECT * FROM organization_members WHERE organization_id = $1 AND user_id = $2`, [
        organizationId,
        userId,
      ]),
    listOrganizationMembers: (organizationId) =>
      many(
        db,
        `SELECT m.*, u.username, u.name, u.email, u.avatar_url, u.rbac_roles FROM organization_members m
         JOIN users u ON u.id = m.user_id WHERE m.organization_id = $1 AND NOT u.deleted ORDER BY u.created_at`,
        [organizationId],
      ),
    async listOrganizationIdsByUsers(userIds) {
      const rows = await many<{ user_id: string; organization_id: string }>(
        db,
        `SELECT user_id, organization_id FROM organization_members WHERE user_id = ANY($1::uuid[])`,
        [userIds],
      );
      const out = new Map<string, string[]>(userIds.map((id) => [id, []]));
      for (const r of rows) out.get(r.user_id)?.push(r.organization_id);
      return out;
    },
  };
}
