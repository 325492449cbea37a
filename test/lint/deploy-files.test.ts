// The files under deploy/ stay in step with the code: they name only environment variables Hangar
// reads, and the image bakes in the Terraform release Hangar pins. (scripts/verify-deploy.mjs
// checks them with systemd-analyze, kubectl and docker where those exist.)
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  pinnedReleaseHashes,
  pinnedTerraformVersion,
} from '../../src/provisioner/terraform/terraform-release.js';

const root = path.resolve(import.meta.dirname, '../../..');

function files(dir: string, ext?: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return files(full, ext);
    return !ext || ext.test(name) ? [full] : [];
  });
}

const envNames = (text: string) => new Set(text.match(/\bHANGAR_[A-Z0-9_]*[A-Z0-9]\b/g) ?? []);

test('deploy/ names only HANGAR_* variables that Hangar reads', () => {
  const known = new Set<string>();
  for (const f of files(path.join(root, 'src'), /\.ts$/))
    for (const n of envNames(readFileSync(f, 'utf8'))) known.add(n);
  const unknown: string[] = [];
  for (const f of files(path.join(root, 'deploy')))
    for (const n of envNames(readFileSync(f, 'utf8')))
      if (!known.has(n)) unknown.push(`${path.relative(root, f)}: ${n}`);
  assert.deepEqual(unknown, []);
  assert.ok(known.has('HANGAR_RELAY_URL') && known.has('HANGAR_PG_CONNECTION_URL'));
});

test('the image installs the pinned Terraform with the pinned hashes', () => {
  const dockerfile = readFileSync(path.join(root, 'deploy/container/Dockerfile'), 'utf8');
  const arg = (name: string) => new RegExp(`^ARG ${name}=(\\S+)$`, 'm').exec(dockerfile)?.[1];
  assert.equal(arg('TERRAFORM_VERSION'), pinnedTerraformVersion);
  const hashes = pinnedReleaseHashes[pinnedTerraformVersion]!;
  assert.equal(arg('TERRAFORM_SHA256_AMD64'), hashes.linux_amd64);
  assert.equal(arg('TERRAFORM_SHA256_ARM64'), hashes.linux_arm64);
});
