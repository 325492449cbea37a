/**
 * Which `terraform` the provisioner runs (coder-behaviour.md §4.1): an explicit path must work and
 * be in the supported range; otherwise `terraform` on PATH is used when its version is in range;
 * otherwise the pinned version is installed into `<cache>/tf`.
 */
import { access, constants } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import semver from 'semver';
import { installTerraform, terraformVersion } from './terraform-install.js';
import { maxTerraformVersion, minTerraformVersion, pinnedTerraformVersion } from './terraform-release.js';

export interface TerraformBinaryOptions {
  /** An explicit binary; it must exist and be in the supported range. */
  path?: string;
  cacheDir: string;
  releasesUrl?: string;
  /** Searched for `terraform` when no path is given; defaults to process.env.PATH. */
  searchPath?: string;
  onInstall?: (message: string) => void;
}

export interface TerraformBinary {
  path: string;
  version: string;
}

export function supportedVersion(version: string): boolean {
  return (
    semver.valid(version) !== null &&
    semver.gte(version, minTerraformVersion) &&
    semver.lte(version, maxTerraformVersion)
  );
}

export async function resolveTerraform(opts: TerraformBinaryOptions): Promise<TerraformBinary> {
  const range = `[${minTerraformVersion}, ${maxTerraformVersion}]`;
  if (opts.path) {
    const path = resolve(opts.path);
    const version = await terraformVersion(path);
    if (!version)
      throw new Error(`The Terraform binary ${path} does not run ("terraform version -json" failed).`);
    if (!supportedVersion(version))
      throw new Error(`The Terraform binary ${path} is version ${version}; Hangar supports ${range}.`);
    return { path, version };
  }
  const found = await findOnPath(opts.searchPath ?? process.env.PATH ?? '');
  if (found) {
    const version = await terraformVersion(found);
    if (version && supportedVersion(version)) return { path: found, version };
    opts.onInstall?.(
      `Terraform on PATH (${found}) is version ${version ?? 'unknown'}, outside ${range}; installing ${pinnedTerraformVersion}.`,
    );
  } else {
    opts.onInstall?.(
      `No terraform on PATH; installing ${pinnedTerraformVersion} into ${join(opts.cacheDir, 'tf')}.`,
    );
  }
  const path = await installTerraform({
    dir: join(opts.cacheDir, 'tf'),
    version: pinnedTerraformVersion,
    baseUrl: opts.releasesUrl,
    onSlow: () => opts.onInstall?.('Installing Terraform is taking longer than 15 s.'),
  });
  return { path, version: pinnedTerraformVersion };
}

async function findOnPath(searchPath: string): Promise<string | undefined> {
  for (const dir of searchPath.split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, 'terraform');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
