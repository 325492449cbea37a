/**
 * The environment contract between the provisioner and this provider (Coder's env helpers). A
 * "required" variable is only enforced when CODER_WORKSPACE_BUILD_ID is set, i.e. inside a real
 * workspace build, so `terraform plan` on a template works on a laptop.
 */
import { createHash } from 'node:crypto';
import type { Diagnostics, PathStep } from '../framework/diagnostics.js';

export const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');

export const parameterEnv = (name: string): string => `CODER_PARAMETER_${sha256Hex(name)}`;
export const previousParameterEnv = (name: string): string => `CODER_PARAMETER_PREVIOUS_${sha256Hex(name)}`;
export const agentScriptEnv = (os: string, arch: string): string => `CODER_AGENT_SCRIPT_${os}_${arch}`;
export const runningAgentTokenEnv = (agentId: string): string =>
  `CODER_RUNNING_WORKSPACE_AGENT_TOKEN_${sha256Hex(agentId)}`;

export const inBuild = (env: NodeJS.ProcessEnv): boolean => Boolean(env.CODER_WORKSPACE_BUILD_ID);

/** The variable's value; in a build a missing one is an error, outside it `fallback` is used. */
export function requiredEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: string,
  diags: Diagnostics,
  path?: readonly PathStep[],
): string {
  const v = env[name];
  if (v !== undefined && v !== '') return v;
  if (inBuild(env)) {
    diags.error(
      'Missing environment variable',
      `${name} must be set during a workspace build; the provisioner passes it to Terraform.`,
      path,
    );
  }
  return fallback;
}

export const optionalEnv = (env: NodeJS.ProcessEnv, name: string, fallback: string): string => {
  const v = env[name];
  return v !== undefined && v !== '' ? v : fallback;
};
