/**
 * Wire types for users, sessions and API keys (Coder's codersdk/users.go, apikey.go). Request bodies
 * are zod schemas so the server validates with the same definition the clients compile against.
 */
import { z } from 'zod';
import { displayName, email, password, username } from './validation.js';

export type UserStatus = 'active' | 'suspended' | 'dormant';
export type LoginType = 'password' | 'token' | 'none';

/** Site-wide roles. Organization membership carries its own roles. */
export const siteRoles = ['owner', 'member', 'template-admin', 'user-admin', 'auditor'] as const;
export type SiteRole = (typeof siteRoles)[number];

export interface SlimRole {
  name: string;
  display_name: string;
  organization_id?: string;
}

export interface User {
  id: string;
  username: string;
  email: string;
  name: string;
  avatar_url: string;
  created_at: string;
  updated_at: string;
  last_seen_at: string;
  status: UserStatus;
  login_type: LoginType;
  organization_ids: string[];
  roles: SlimRole[];
}

export interface GetUsersResponse {
  users: User[];
  count: number;
}

export const CreateFirstUserRequest = z.strictObject({
  email,
  username,
  name: displayName.optional(),
  password,
  trial: z.boolean().optional(),
});
export type CreateFirstUserRequest = z.infer<typeof CreateFirstUserRequest>;

export interface CreateFirstUserResponse {
  user_id: string;
  organization_id: string;
}

export const CreateUserRequest = z.strictObject({
  email,
  username,
  name: displayName.optional(),
  /** Required for login_type "password" (the default). */
  password: z.string().optional(),
  login_type: z.enum(['password', 'none']).optional(),
  organization_ids: z.array(z.uuid()).optional(),
  /** Site roles to grant at creation, beyond member. */
  roles: z.array(z.string()).optional(),
});
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

export const LoginWithPasswordRequest = z.strictObject({
  email: z.string().min(1, 'Must not be empty.'),
  password: z.string().min(1, 'Must not be empty.'),
});
export type LoginWithPasswordRequest = z.infer<typeof LoginWithPasswordRequest>;

export interface LoginWithPasswordResponse {
  session_token: string;
}

export const UpdateUserPasswordRequest = z.strictObject({
  old_password: z.string().optional(),
  password,
});
export type UpdateUserPasswordRequest = z.infer<typeof UpdateUserPasswordRequest>;

export const UpdateRolesRequest = z.strictObject({ roles: z.array(z.string()) });
export type UpdateRolesRequest = z.infer<typeof UpdateRolesRequest>;

export interface AssignableRole {
  name: string;
  display_name: string;
  assignable: boolean;
  built_in: boolean;
}

export type APIKeyScope = 'all' | 'application_connect';

export interface APIKey {
  id: string;
  user_id: string;
  last_used: string;
  expires_at: string;
  created_at: string;
  updated_at: string;
  login_type: LoginType;
  scope: APIKeyScope;
  token_name: string;
  lifetime_seconds: number;
}

export const CreateTokenRequest = z.strictObject({
  /** Generated when empty, as Coder does. */
  token_name: z
    .string()
    .max(64, 'Must be at most 64 characters.')
    .regex(/^([a-zA-Z0-9][a-zA-Z0-9_.-]*)?$/, 'Must be letters, digits, dots, underscores or hyphens.')
    .optional(),
  /** Lifetime in nanoseconds, as Coder's Go `time.Duration` on the wire. */
  lifetime: z.number().int().positive().optional(),
  scope: z.enum(['all', 'application_connect']).optional(),
});
export type CreateTokenRequest = z.infer<typeof CreateTokenRequest>;

export interface GenerateAPIKeyResponse {
  key: string;
}

export interface TokenConfig {
  /** Longest lifetime the caller may request, in nanoseconds. */
  max_token_lifetime: number;
}
