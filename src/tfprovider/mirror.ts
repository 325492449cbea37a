/**
 * Where the built provider lives and how to point Terraform at it. The build lays it out as a
 * Terraform filesystem mirror (unpacked layout) in dist/tfmirror; a CLI config with a
 * `filesystem_mirror` for coder/coder makes `terraform init` install it with no registry access.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { providerSource, providerType, providerVersion } from './version.js';

/** dist/tfmirror, found from this module's place in dist/src/tfprovider/. */
export function providerMirrorDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'tfmirror');
}

export function providerExecutable(mirrorDir = providerMirrorDir(), platform = currentPlatform()): string {
  return join(
    mirrorDir,
    providerSource,
    providerVersion,
    platform,
    `terraform-provider-${providerType}_v${providerVersion}`,
  );
}

export function currentPlatform(): string {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  return `${os}_${arch}`;
}

/**
 * A Terraform CLI config (for TF_CLI_CONFIG_FILE) that installs coder/coder from the mirror and
 * every other provider as usual.
 */
export function cliConfigFor(mirrorDir: string): string {
  const q = JSON.stringify;
  return [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${q(mirrorDir)}`,
    `    include = [${q(providerSource)}]`,
    '  }',
    '  direct {',
    `    exclude = [${q(providerSource)}]`,
    '  }',
    '}',
    '',
  ].join('\n');
}
