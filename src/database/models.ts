/** Row shapes as stored; src/coderd/convert turns them into src/sdk wire types. */
import type { APIKeyScope, LoginType, UserStatus } from '../sdk/users.js';

export interface UserRow {
  id: string;
  email: string;
  username: string;
  name: string;
  hashed_password: string;
  status: UserStatus;
  rbac_roles: string[];
  login_type: LoginType;
  avatar_url: string;
  deleted: boolean;
  last_seen_at: Date;
  created_at: Date;
  updated_at: Date;
}

export interface OrganizationRow {
  id: string;
  name: string;
  display_name: string;
  description: string;
  icon: string;
  is_default: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface OrganizationMemberRow {
  organization_id: string;
  user_id: string;
  roles: string[];
  created_at: Date;
  updated_at: Date;
}

export interface APIKeyRow {
  id: string;
  hashed_secret: Buffer;
  user_id: string;
  last_used: Date;
  expires_at: Date;
  lifetime_seconds: string | number;
  login_type: LoginType;
  scope: APIKeyScope;
  token_name: string;
  ip_address: string | null;
  created_at: Date;
  updated_at: Date;
}
