/**
 * The environment of everything the agent runs for the user (SSH sessions, scripts, the web
 * terminal), as Coder's agent builds it (coder-behaviour.md §6.9): the agent's own environment
 * without its secrets' configuration, the user's identity, the CODER_* workspace variables, then
 * the template's variables with `$VAR` expanded against what came before.
 */
import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AgentManifest } from '../sdk/agent-api.js';

export interface UserInfo {
  username: string;
  homedir: string;
  shell: string;
}

export function currentUser(): UserInfo {
  const info = os.userInfo();
  return {
    username: info.username,
    homedir: info.homedir,
    // Some containers have no login shell in /etc/passwd; sh is always there.
    shell:
      info.shell && info.shell !== '/usr/sbin/nologin' && info.shell !== '/bin/false'
        ? info.shell
        : '/bin/sh',
  };
}

/** Expands `$NAME` and `${NAME}` against `env`; unknown names become empty, as a shell would. */
export function expandVars(value: string, env: Record<string, string | undefined>): string {
  return value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_, a?: string, b?: string) => {
      return env[(a ?? b)!] ?? '';
    },
  );
}

export function commandEnv(
  manifest: AgentManifest,
  agentToken: string,
  user: UserInfo = currentUser(),
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    // The agent's own configuration is not the user's business (and must not leak into children).
    if (v === undefined || k.startsWith('CODER_AGENT_') || k.startsWith('HANGAR_')) continue;
    env[k] = v;
  }
  Object.assign(env, {
    USER: user.username,
    LOGNAME: user.username,
    HOME: user.homedir,
    SHELL: user.shell,
    PATH: env.PATH || '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    CODER: 'true',
    CODER_WORKSPACE_NAME: manifest.workspace_name,
    CODER_WORKSPACE_AGENT_NAME: manifest.agent_name,
    CODER_WORKSPACE_OWNER_NAME: manifest.owner_name,
    // Coder exposes the token to the workspace so tools inside can call the agent API.
    CODER_AGENT_TOKEN: agentToken,
    CODER_AGENT_URL: manifest.coder_url,
  });
  for (const [k, v] of Object.entries(manifest.environment_variables)) env[k] = expandVars(v, env);
  return env;
}

/** `~` and `$HOME` in the template's directory are the agent user's home. */
export function expandDirectory(dir: string): string {
  const home = os.homedir();
  if (!dir) return home;
  const expanded = dir.replace(/^~(?=$|\/)/, home).replace(/\$HOME|\$\{HOME\}/g, home);
  return path.resolve(home, expanded);
}

/** Where sessions and scripts start: the template's directory if it exists, else home. */
export async function workingDirectory(dir: string): Promise<string> {
  const expanded = expandDirectory(dir);
  return (await stat(expanded).catch(() => undefined))?.isDirectory() ? expanded : os.homedir();
}
