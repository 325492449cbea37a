/**
 * The Terraform provisioner's entry: the command that starts a daemon (src/cli/server,
 * src/cli/provisioner) creates it with the in-process coder provider, e.g.
 *
 *   terraformProvisioner({ cacheDir, terraformPath,
 *     provider: { start: (env) => startProviderServer({ env }) } })
 */
import { TerraformProvisioner, type TerraformProvisionerOptions } from './terraform-provisioner.js';

export type { CoderProviderHost, TerraformProvisionerOptions } from './terraform-provisioner.js';
export { pinnedTerraformVersion } from './terraform-release.js';

export function terraformProvisioner(options: TerraformProvisionerOptions): TerraformProvisioner {
  return new TerraformProvisioner(options);
}
