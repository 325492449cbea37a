/**
 * The Terraform release Hangar installs when none is found, and the versions it accepts (Coder's
 * provisioner/terraform/install.go). The hashes are HashiCorp's published SHA-256 of each zip
 * (terraform_<v>_SHA256SUMS), pinned here so a compromised download site cannot substitute a
 * binary (docs/adr/0030).
 */
export const pinnedTerraformVersion = '1.11.4';
/** Oldest Terraform whose `-json` outputs the provisioner understands. */
export const minTerraformVersion = '1.1.0';
/** Newest accepted: the pinned minor's patch releases (Coder: pin 1.10.5 → max 1.10.9). */
export const maxTerraformVersion = '1.11.9';
export const defaultReleasesUrl = 'https://releases.hashicorp.com';

/** SHA-256 of terraform_<version>_<platform>.zip, by version and platform. */
export const pinnedReleaseHashes: Record<string, Record<string, string>> = {
  '1.11.4': {
    linux_amd64: '1ce994251c00281d6845f0f268637ba50c0005657eb3cf096b92f753b42ef4dc',
    linux_arm64: 'a43d1d0da9b9bab214a8305a39db0e40869572594ccf50c416a7756499143633',
    darwin_amd64: 'a56d5002b9f7647291faccc3dd1a70350e60fb61e4c45037629508b8fdc2575b',
    darwin_arm64: '867e0808fa971217043e25b7a792b10720c79b1546f8a68479b74f138be73e18',
  },
};

/** HashiCorp's platform name for this process (`linux_amd64`). */
export function releasePlatform(platform = process.platform, arch = process.arch): string {
  const os = platform === 'win32' ? 'windows' : platform;
  const a = arch === 'x64' ? 'amd64' : arch === 'ia32' ? '386' : arch;
  return `${os}_${a}`;
}
