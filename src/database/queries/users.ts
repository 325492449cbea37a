/** SQL for users. Every method is one statement; rules live in src/coderd services. */
import { many, one, type Queryable } from '../db.js';
import type { UserRow } from '../models.js';
import type { LoginType, UserStatus } from '../../sdk/users.js';

export interface InsertUserParams {
  id: string;
  email: string;
  username: string;
  name: string;
  hashed_password: string;
  login_type: LoginType;
  rbac_roles: string[];
  status?: UserStatus;
}

export interface ListUsersParams {
  /** Matches username or email, case-insensitively. */
  search?: string;
  status?: UserStatus;
  /** Restrict to these ids (used for "only myself" listings). */
  ids?: string[];
  limit: number;
  offset: number;
}

export interface UserQueries {
  /** Inserts a user; a taken username/email raises Conflict (via pg-errors). */
  insertUser(p: InsertUserParams): Promise<UserRow>;
  /** A non-deleted user by id. */
  getUserById(id: string): Promise<UserRow | undefined>;
  /** A non-deleted user by username (case-insensitive). */
  getUserByUsername(username: string): Promise<UserRow | undefined>;
  /** A non-deleted user by email (case-insensitive). */
  getUserByEmail(email: string): Promise<UserRow | undefined>;
  /** Non-deleted users, oldest first, with the total count before paging. */
  listUsers(p: ListUsersParams): Promise<{ users: UserRow[]; count: number }>;
  /** Number of non-deleted users (the first-user check). */
  countUsers(): Promise<number>;
  updateUserStatus(id: string, status: UserStatus): Promise<UserRow | undefined>;
  updateUserPassword(id: string, hashedPassword: string): Promise<void>;
  updateUserRoles(id: string, roles: string[]): Promise<UserRow | undefined>;
  updateUserLastSeen(id: string, at: Date): Promise<void>;
  /** Soft-deletes: the row stays for history, the username and email are freed. */
  softDeleteUser(id: string): Promise<void>;
}

const cols = `id, email, username, name, hashed_password, status, rbac_roles, login_type, avatar_url,
  deleted, last_seen_at, created_at, updated_at`;

export function userQueries(db: Queryable): UserQueries {
  return {
    async insertUser(p) {
      const row = await one<UserRow>(
        db,
        `INSERT INTO users (id, email, username, name, hashed_password, login_type, rbac_roles, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${cols}`,
        [
          p.id,
          p.email,
          p.username,
          p.name,
          p.hashed_password,
          p.login_type,
          p.rbac_roles,
          p.status ?? 'active',
        ],
      );
      return row!;
    },
    getUserById: (id) => one(db, `SELECT ${cols} FROM users WHERE id = $1 AND NOT deleted`, [id]),
    getUserByUsername: (username) =>
      one(db, `SELECT ${cols} FROM users WHERE lower(username) = lower($1) AND NOT deleted`, [username]),
    getUserByEmail: (email) =>
      one(db, `SELECT ${cols} FROM users WHERE lower(email) = lower($1) AND NOT deleted`, [email]),
    async listUsers(p) {
      const rows = await many<UserRow & { total: string }>(
        db,
        `SELECT ${cols}, count(*) OVER () AS total FROM users
         WHERE NOT deleted
           AND ($1::text IS NULL OR username ILIKE '%' || $1 || '%' OR email ILIKE '%' || $1 || '%')
           AND ($2::user_status IS NULL OR status = $2)
           AND ($3::uuid[] IS NULL OR id = ANY($3))
         ORDER BY created_at, id LIMIT $4 OFFSET $5`,
        [p.search ?? null, p.status ?? null, p.ids ?? null, p.limit, p.offset],
      );
      return { users: rows, count: rows[0] ? Number(rows[0].total) : 0 };
    },
    async countUsers() {
      const r = await one<{ n: string }>(db, `SELECT count(*) AS n FROM users WHERE NOT deleted`);
      return Number(r?.n ?? 0);
    },
    updateUserStatus: (id, status) =>
      one(
        db,
        `UPDATE users SET status = $2, updated_at = now() WHERE id = $1 AND NOT deleted RETURNING ${cols}`,
        [id, status],
      ),
    async updateUserPassword(id, hashedPassword) {
      await db.query(`UPDATE users SET hashed_password = $2, updated_at = now() WHERE id = $1`, [
        id,
        hashedPassword,
      ]);
    },
    updateUserRoles: (id, roles) =>
      one(
        db,
        `UPDATE users SET rbac_roles = $2, updated_at = now() WHERE id = $1 AND NOT deleted RETURNING ${cols}`,
        [id, roles],
      ),
    async updateUserLastSeen(id, at) {
      await db.query(`UPDATE users SET last_seen_at = $2 WHERE id = $1`, [id, at]);
    },
    async softDeleteUser(id) {
      await db.query(`UPDATE users SET deleted = true, updated_at = now() WHERE id = $1`, [id]);
    },
  };
}
