// Installing the pinned Terraform from a releases site: a local HTTP server serves a
// release-shaped zip whose `terraform` is a tiny script answering `version -json`.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { zipSync } from 'fflate';
import { resolveTerraform } from './terraform-binary.js';
import { installTerraform } from './terraform-install.js';
import { pinnedTerraformVersion } from './terraform-release.js';

const fakeTerraform = (version: string) =>
  `#!/bin/sh\nif [ "$1" = version ]; then echo '{"terraform_version":"${version}","platform":"linux_amd64"}'; exit 0; fi\nexit 3\n`;

async function releasesSite(version: string, opts: { sums?: string } = {}) {
  const zip = Buffer.from(
    zipSync({ terraform: Buffer.from(fakeTerraform(version)), 'LICENSE.txt': Buffer.from('license') }),
  );
  const sha256 = createHash('sha256').update(zip).digest('hex');
  const name = `terraform_${version}_linux_amd64.zip`;
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === `/terraform/${version}/${name}`) {
      // Slow enough that concurrent installers overlap.
      setTimeout(() => res.end(zip), 200);
    } else if (req.url === `/terraform/${version}/terraform_${version}_SHA256SUMS`) {
      res.end(opts.sums ?? `${sha256}  ${name}\n0000  other.zip\n`);
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const dir = await mkdtemp(join(tmpdir(), 'hangar-tf-install-'));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sha256,
    hits,
    dir,
    async [Symbol.asyncDispose]() {
      await new Promise((r) => server.close(r));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

test('installs a release whose hash matches the pinned table, once for two concurrent installers', async () => {
  await using site = await releasesSite('1.11.4');
  const opts = {
    dir: join(site.dir, 'tf'),
    version: '1.11.4',
    baseUrl: site.url,
    platform: 'linux_amd64',
    hashes: { '1.11.4': { linux_amd64: site.sha256 } },
  };
  const [a, b] = await Promise.all([installTerraform(opts), installTerraform(opts)]);
  assert.equal(a, join(site.dir, 'tf', 'terraform'));
  assert.equal(b, a);
  assert.equal(site.hits.filter((h) => h.endsWith('.zip')).length, 1, 'downloaded once');
  assert.deepEqual(
    (await readdir(join(site.dir, 'tf'))).sort(),
    ['terraform'],
    'no partial files or lock left',
  );
  // A third call reuses the installed binary of the exact version.
  await installTerraform(opts);
  assert.equal(site.hits.filter((h) => h.endsWith('.zip')).length, 1);
});

test('a zip whose hash does not match the pinned one is refused and nothing is installed', async () => {
  await using site = await releasesSite('1.11.4');
  await assert.rejects(
    installTerraform({
      dir: join(site.dir, 'tf'),
      version: '1.11.4',
      baseUrl: site.url,
      platform: 'linux_amd64',
      hashes: { '1.11.4': { linux_amd64: 'f'.repeat(64) } },
    }),
    /has SHA-256 [0-9a-f]{64}, expected f{64}; refusing to install it/,
  );
  assert.equal(existsSync(join(site.dir, 'tf', 'terraform')), false);
});

test('without a pinned hash the release’s SHA256SUMS is checked', async () => {
  await using good = await releasesSite('1.11.2');
  const installed = await installTerraform({
    dir: join(good.dir, 'tf'),
    version: '1.11.2',
    baseUrl: good.url,
    platform: 'linux_amd64',
    hashes: {},
  });
  assert.ok(existsSync(installed));
  assert.ok(good.hits.some((h) => h.endsWith('_SHA256SUMS')));

  await using bad = await releasesSite('1.11.2', {
    sums: `${'0'.repeat(64)}  terraform_1.11.2_linux_amd64.zip\n`,
  });
  await assert.rejects(
    installTerraform({
      dir: join(bad.dir, 'tf'),
      version: '1.11.2',
      baseUrl: bad.url,
      platform: 'linux_amd64',
      hashes: {},
    }),
    /refusing to install it/,
  );
});

test('resolveTerraform: PATH in range, PATH out of range → install, explicit path checked', async () => {
  await using site = await releasesSite(pinnedTerraformVersion);
  const bin = join(site.dir, 'bin');
  await rm(bin, { recursive: true, force: true });
  const { mkdir } = await import('node:fs/promises');
  await mkdir(bin);
  await writeFile(join(bin, 'terraform'), fakeTerraform('1.5.7'), { mode: 0o755 });
  assert.deepEqual(await resolveTerraform({ cacheDir: site.dir, searchPath: bin }), {
    path: join(bin, 'terraform'),
    version: '1.5.7',
  });

  await writeFile(join(bin, 'terraform'), fakeTerraform('1.0.0'), { mode: 0o755 });
  await assert.rejects(
    resolveTerraform({ cacheDir: site.dir, path: join(bin, 'terraform') }),
    /is version 1\.0\.0; Hangar supports \[1\.1\.0, 1\.11\.9\]/,
  );
  // The real pinned hash cannot match the fake zip: the install is refused, proving it was tried.
  const notices: string[] = [];
  await assert.rejects(
    resolveTerraform({
      cacheDir: site.dir,
      searchPath: bin,
      releasesUrl: site.url,
      onInstall: (m) => notices.push(m),
    }),
    // On other platforms the site has no zip for this machine: the download itself fails.
    /refusing to install it|HTTP 404/,
  );
  assert.match(notices[0] ?? '', /outside \[1\.1\.0, 1\.11\.9\]; installing 1\.11\.4/);
});
