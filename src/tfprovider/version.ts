/**
 * The version Terraform sees for this provider. Bump the patch number whenever the bundle's
 * bytes change (docs/adr/0011): Terraform's lock files pin the hash of each version, so new bytes
 * under an old version break every workspace that locked it. release-hashes.json records the
 * hash each version shipped with, and a test fails when the bundle no longer matches.
 *
 * Major 2 with a high minor satisfies the constraints Coder templates use (">= 2.0", "~> 2.4").
 */
export const providerVersion = '2.999.3';

export const providerNamespace = 'coder';
export const providerType = 'coder';
export const providerSource = `registry.terraform.io/${providerNamespace}/${providerType}`;

/** Platform directories the build writes; the bundle is the same JavaScript for all of them. */
export const mirrorPlatforms = ['linux_amd64', 'linux_arm64', 'darwin_amd64', 'darwin_arm64'] as const;
