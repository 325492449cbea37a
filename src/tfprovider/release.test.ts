// The lock-file rule (docs/adr/0011): a provider version always has the same bytes. Terraform
// pins each version's hash in .terraform.lock.hcl, so new bytes under an old version break every
// working directory that locked it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { providerMirrorDir } from './mirror.js';
import { providerVersion } from './version.js';

test('the built provider matches the hash recorded for its version', () => {
  const built = JSON.parse(readFileSync(join(providerMirrorDir(), 'provider.json'), 'utf8')) as {
    version: string;
    sha256: string;
  };
  const recorded = JSON.parse(
    readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'release-hashes.json'), 'utf8'),
  ) as Record<string, string>;
  assert.equal(built.version, providerVersion);
  assert.equal(
    recorded[providerVersion],
    built.sha256,
    `The provider bundle changed but its version is still ${providerVersion}. Bump providerVersion in ` +
      'src/tfprovider/version.ts and add the new version with this sha256 to src/tfprovider/release-hashes.json ' +
      `(never edit an existing entry): "${built.sha256}".`,
  );
});
