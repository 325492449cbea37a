/** SQL for API keys (session tokens and named long-lived tokens). */
import { many, one, prepared, type Queryable } from '../db.js';
import type { APIKeyRow, UserRow } from '../models.js';
import type { APIKeyScope, LoginType } from '../../sdk/users.js';

export interface InsertAPIKeyParams {
  id: string;
  hashed_secret: Buffer;
  user_id: string;
  expires_at: Date;
  lifetime_seconds: number;
  login_type: LoginType;
  scope: APIKeyScope;
  token_name: string;
  ip_address: string | null;
}

/** What authenticating a request needs: the key, its (live) user and the user's organizations. */
export interface APIKeySessionRow {
  key: APIKeyRow;
  user: UserRow;
  organization_ids: string[];
}

export interface APIKeyQueries {
  insertAPIKey(p: InsertAPIKeyParams): Promise<APIKeyRow>;
  getAPIKeyById(id: string): Promise<APIKeyRow | undefined>;
  /** One round trip per authenticated request instead of three. */
  getAPIKeySession(id: string): Promise<APIKeySessionRow | undefined>;
  /** Named tokens (login_type 'token') of a user, newest first. */
  listTokensByUser(userId: string): Promise<APIKeyRow[]>;
  getTokenByName(userId: string, name: string): Promise<APIKeyRow | undefined>;
  deleteAPIKey(id: string): Promise<void>;
  /** Revokes every key of a user (delete, suspend). */
  deleteAPIKeysByUser(userId: string): Promise<void>;
  /** Records use and slides the expiry; one statement so concurrent requests cannot lose it. */
  touchAPIKey(id: string, lastUsed: Date, expiresAt: Date, ip: string | null): Promise<void>;
}

export function apiKeyQueries(db: Queryable): APIKeyQueries {
  return {
    async insertAPIKey(p) {
      return (await one<APIKeyRow>(
        db,
        `INSERT INTO api_keys (id, hashed_secret, user_id, expires_at, lifetime_seconds, login_type, scope, token_name, ip_address)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
        [
          p.id,
          p.hashed_secret,
          p.user_id,
          p.expires_at,
          p.lifetime_seconds,
          p.login_type,
          p.scope,
          p.token_name,
          p.ip_address,
        ],
      ))!;
    },
    getAPIKeyById: (id) => one(db, `SELECT * FROM api_keys WHERE id = $1`, [id]),
    async getAPIKeySession(id) {
      const row = await one<
        APIKeyRow & {
          u: Record<string, unknown>;
          u_last_seen_at: Date;
          u_created_at: Date;
          u_updated_at: Date;
          organization_ids: string[];
        }
      >(
        db,
        prepared(
          'get_api_key_session',
          `SELECT k.*, to_jsonb(u) AS u,
                u.last_seen_at AS u_last_seen_at, u.created_at AS u_created_at, u.updated_at AS u_updated_at,
                coalesce((SELECT array_agg(m.organization_id) FROM organization_members m WHERE m.user_id = u.id),
                         '{}') AS organization_ids
           FROM api_keys k JOIN users u ON u.id = k.user_id AND NOT u.deleted
          WHERE k.id = $1`,
        ),
        [id],
      );
      if (!row) return undefined;
      const { u, u_last_seen_at, u_created_at, u_updated_at, organization_ids, ...key } = row;
      // to_jsonb writes timestamps as text in the session's time zone, which for the zero
      // last_seen_at can be "0001-12-31T20:29:08-03:30:52 BC" (no valid Date): read them as columns.
      const user = {
        ...u,
        last_seen_at: u_last_seen_at,
        created_at: u_created_at,
        updated_at: u_updated_at,
      } as unknown as UserRow;
      return { key, user, organization_ids };
    },
    listTokensByUser: (userId) =>
      many(
        db,
        `SELECT * FROM api_keys WHERE user_id = $1 AND login_type = 'token' ORDER BY created_at DESC`,
        [userId],
      ),
    getTokenByName: (userId, name) =>
      one(db, `SELECT * FROM api_keys WHERE user_id = $1 AND token_name = $2 AND login_type = 'token'`, [
        userId,
        name,
      ]),
    async deleteAPIKey(id) {
      await db.query(`DELETE FROM api_keys WHERE id = $1`, [id]);
    },
    async deleteAPIKeysByUser(userId) {
      await db.query(`DELETE FROM api_keys WHERE user_id = $1`, [userId]);
    },
    async touchAPIKey(id, lastUsed, expiresAt, ip) {
      await db.query(
        `UPDATE api_keys SET last_used = $2, expires_at = GREATEST(expires_at, $3), ip_address = COALESCE($4, ip_address), updated_at = now() WHERE id = $1`,
        [id, lastUsed, expiresAt, ip],
      );
    },
  };
}
