/**
 * The provisioners this build can run, by type: `hangar provisioner start --provisioner-types` and
 * the server's built-in daemons both pick from here. Each entry loads its code on demand, so a
 * daemon that serves only echo never loads Terraform. Adding a provisioner is one line.
 */
import type { Logger } from '../../sdk/logger.js';
import type { Provisioner } from '../../sdk/provisioner.js';
import type { ProvisionerType } from '../../sdk/provisioner-jobs.js';
import { CliError, ExitCode } from '../errors.js';

export interface ProvisionerContext {
  /** Work files and plugin caches (`--cache-dir`). */
  cacheDir: string;
  logger: Logger;
  /** `--terraform-path`; empty: terraform on PATH, else the pinned version is installed. */
  terraformPath?: string;
  /** `--terraform-releases-url`, for that install. */
  terraformReleasesUrl?: string;
}

type ProvisionerFactory = (ctx: ProvisionerContext) => Promise<Provisioner>;

export const provisionerRegistry: Partial<Record<ProvisionerType, ProvisionerFactory>> = {
  echo: async () => new (await import('../../provisioner/echo/echo-provisioner.js')).EchoProvisioner(),
  // terraform: async (ctx) => new (await import('../../provisioner/terraform/…')).TerraformProvisioner(ctx),
};

export const availableProvisionerTypes = Object.keys(provisionerRegistry) as ProvisionerType[];

/** Coder's default is terraform; until this build has it, daemons offer what it has. */
export const defaultProvisionerTypes: ProvisionerType[] = provisionerRegistry.terraform
  ? ['terraform']
  : availableProvisionerTypes;

/** Loads the provisioners for `types`, or explains which of them this build lacks. */
export async function loadProvisioners(
  types: readonly string[],
  ctx: ProvisionerContext,
): Promise<Provisioner[]> {
  const out: Provisioner[] = [];
  for (const type of new Set(types)) {
    const factory = provisionerRegistry[type as ProvisionerType];
    if (!factory) {
      throw new CliError(`The "${type}" provisioner is not available in this build of Hangar.`, {
        exitCode: ExitCode.usage,
        hint: `Choose from: ${availableProvisionerTypes.join(', ')}.`,
      });
    }
    out.push(await factory(ctx));
  }
  return out;
}
