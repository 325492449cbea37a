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
  // The provisioner may import only src/sdk (ADR 0001); the in-process coder provider is injected here.
  terraform: async (ctx) => {
    const [{ terraformProvisioner }, { startProviderServer }] = await Promise.all([
      import('../../provisioner/terraform/index.js'),
      import('../../tfprovider/provider-server.js'),
    ]);
    return terraformProvisioner({
      cacheDir: ctx.cacheDir,
      terraformPath: ctx.terraformPath || undefined,
      releasesUrl: ctx.terraformReleasesUrl || undefined,
      provider: { start: (env) => startProviderServer({ env }) },
      logger: ctx.logger,
    });
  },
};

export const availableProvisionerTypes = Object.keys(provisionerRegistry) as ProvisionerType[];

/** Coder's default. */
export const defaultProvisionerTypes: ProvisionerType[] = ['terraform'];

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
