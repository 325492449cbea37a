/** `data.coder_workspace_owner`: the user who owns the workspace. */
import type { Value } from '../cty/value.js';
import type { Diagnostics } from '../framework/diagnostics.js';
import type { DataSourceDef } from '../framework/provider.js';
import { computed } from './attrs.js';
import { optionalEnv, requiredEnv } from './env.js';
import type { CoderMeta } from './provider-config.js';

const nilUuid = '00000000-0000-0000-0000-000000000000';

function jsonEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  diags: Diagnostics,
  pick: (v: unknown) => Value[] | undefined,
): Value[] {
  const raw = env[name];
  if (!raw) return [];
  try {
    const list = pick(JSON.parse(raw));
    if (list) return list;
  } catch {
    // reported below
  }
  diags.error('Invalid environment variable', `${name} must hold a JSON array of the documented shape.`);
  return [];
}

export const workspaceOwnerDataSource: DataSourceDef<CoderMeta> = {
  schema: {
    version: 0,
    block: {
      description: 'The owner of the workspace being built.',
      attributes: {
        id: computed('string', 'User ID.'),
        name: computed('string', 'Username.'),
        full_name: computed('string', 'Full name.'),
        email: computed('string', 'Email address.'),
        groups: computed(['list', 'string'], 'Names of the groups the user is in.'),
        ssh_public_key: computed('string', "The user's Git SSH public key."),
        ssh_private_key: computed('string', "The user's Git SSH private key.", { sensitive: true }),
        session_token: computed('string', 'A session token for the user, for the workspace to use.', {
          sensitive: true,
        }),
        oidc_access_token: computed('string', "The user's OIDC access token, when they log in with OIDC.", {
          sensitive: true,
        }),
        login_type: computed('string', 'How the user logs in.'),
        rbac_roles: computed(['list', ['object', { name: 'string', org_id: 'string' }]], "The user's roles."),
      },
    },
  },

  read(_config, { env, diags }) {
    return {
      id: requiredEnv(env, 'CODER_WORKSPACE_OWNER_ID', nilUuid, diags),
      name: requiredEnv(env, 'CODER_WORKSPACE_OWNER', 'default', diags),
      full_name: optionalEnv(env, 'CODER_WORKSPACE_OWNER_NAME', 'default'),
      email: optionalEnv(env, 'CODER_WORKSPACE_OWNER_EMAIL', 'default@example.com'),
      groups: jsonEnv(env, 'CODER_WORKSPACE_OWNER_GROUPS', diags, (v) =>
        Array.isArray(v) && v.every((g) => typeof g === 'string') ? (v as string[]) : undefined,
      ),
      ssh_public_key: optionalEnv(env, 'CODER_WORKSPACE_OWNER_SSH_PUBLIC_KEY', ''),
      ssh_private_key: optionalEnv(env, 'CODER_WORKSPACE_OWNER_SSH_PRIVATE_KEY', ''),
      session_token: optionalEnv(env, 'CODER_WORKSPACE_OWNER_SESSION_TOKEN', ''),
      oidc_access_token: optionalEnv(env, 'CODER_WORKSPACE_OWNER_OIDC_ACCESS_TOKEN', ''),
      login_type: optionalEnv(env, 'CODER_WORKSPACE_OWNER_LOGIN_TYPE', ''),
      rbac_roles: jsonEnv(env, 'CODER_WORKSPACE_OWNER_RBAC_ROLES', diags, (v) =>
        Array.isArray(v)
          ? v.map((r: { name?: unknown; org_id?: unknown }) => ({
              name: String(r.name ?? ''),
              org_id: String(r.org_id ?? ''),
            }))
          : undefined,
      ),
    };
  },
};
