/**
 * The environment of every terraform command and of the in-process provider (coder-behaviour.md
 * §4.2): the daemon's own environment with every CODER_* and HANGAR_* removed (so the daemon's
 * secrets and configuration never reach a template), plus the build's facts.
 */
import { createHash } from 'node:crypto';
import { agentInitScript, agentPlatforms } from '../../sdk/agent-init-script.js';
import type { ProvisionMetadata } from '../../sdk/provisioner.js';
import type { WorkspaceBuildParameter } from '../../sdk/workspaces.js';

/** Variables of the daemon that Hangar sets itself per command; an inherited value would mislead. */
const ownedTfVariables = new Set(['TF_LOG', 'TF_REATTACH_PROVIDERS', 'TF_PLUGIN_CACHE_DIR']);

export function safeDaemonEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || k.startsWith('CODER_') || k.startsWith('HANGAR_') || ownedTfVariables.has(k))
      continue;
    out[k] = v;
  }
  return out;
}

export const parameterEnvName = (name: string) =>
  `CODER_PARAMETER_${createHash('sha256').update(name).digest('hex')}`;

export function buildEnv(
  metadata: ProvisionMetadata,
  transition: ProvisionMetadata['workspace_transition'],
  parameters: readonly WorkspaceBuildParameter[],
): Record<string, string> {
  const env: Record<string, string> = {
    CODER_AGENT_URL: metadata.coder_url,
    CODER_WORKSPACE_TRANSITION: transition,
    CODER_WORKSPACE_NAME: metadata.workspace_name,
    CODER_WORKSPACE_ID: metadata.workspace_id,
    CODER_WORKSPACE_BUILD_ID: metadata.workspace_build_id,
    CODER_WORKSPACE_OWNER: metadata.workspace_owner,
    CODER_WORKSPACE_OWNER_ID: metadata.workspace_owner_id,
    CODER_WORKSPACE_OWNER_EMAIL: metadata.workspace_owner_email,
    CODER_WORKSPACE_OWNER_NAME: metadata.workspace_owner_name,
    CODER_WORKSPACE_OWNER_LOGIN_TYPE: metadata.workspace_owner_login_type,
    CODER_WORKSPACE_OWNER_GROUPS: JSON.stringify(metadata.workspace_owner_groups),
    CODER_WORKSPACE_OWNER_SESSION_TOKEN: metadata.workspace_owner_session_token,
    CODER_WORKSPACE_OWNER_SSH_PUBLIC_KEY: metadata.workspace_owner_ssh_public_key,
    CODER_WORKSPACE_OWNER_SSH_PRIVATE_KEY: metadata.workspace_owner_ssh_private_key,
    CODER_WORKSPACE_TEMPLATE_ID: metadata.template_id,
    CODER_WORKSPACE_TEMPLATE_NAME: metadata.template_name,
    CODER_WORKSPACE_TEMPLATE_VERSION: metadata.template_version,
  };
  if (metadata.coder_url) {
    for (const { os, arch } of agentPlatforms)
      env[`CODER_AGENT_SCRIPT_${os}_${arch}`] = agentInitScript(os, arch, metadata.coder_url);
  }
  for (const p of parameters) env[parameterEnvName(p.name)] = p.value;
  return env;
}
