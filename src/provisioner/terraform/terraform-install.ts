/**
 * Installs the pinned Terraform into `<cache>/tf` (Coder's install.go with hc-install): download
 * the release zip, check its SHA-256 (the pinned table, else the release's SHA256SUMS), unzip the
 * `terraform` executable and move it into place, all under a file lock so concurrent daemons
 * sharing the cache download it once. An existing binary of the exact version is reused.
 */
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { chmod, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import lockfile from 'proper-lockfile';
import { defaultReleasesUrl, pinnedReleaseHashes, releasePlatform } from './terraform-release.js';

const run = promisify(execFile);

export interface InstallOptions {
  /** `<cache dir>/tf` holds the binary and the lock. */
  dir: string;
  version: string;
  /** HashiCorp's releases site or a mirror with the same layout. */
  baseUrl?: string;
  platform?: string;
  /** Expected zip SHA-256 by version and platform; defaults to the pinned table. */
  hashes?: Record<string, Record<string, string>>;
  /** Called when the install has taken 15 s, so the operator knows why the daemon waits. */
  onSlow?: () => void;
}

/** `terraform version -json` → its version, or undefined when the binary does not run. */
export async function terraformVersion(path: string): Promise<string | undefined> {
  try {
    const { stdout } = await run(path, ['version', '-json'], {
      env: { ...process.env, CHECKPOINT_DISABLE: '1' },
    });
    return (JSON.parse(stdout) as { terraform_version?: string }).terraform_version;
  } catch {
    return undefined;
  }
}

export async function installTerraform(opts: InstallOptions): Promise<string> {
  const binary = join(opts.dir, 'terraform');
  await mkdir(opts.dir, { recursive: true });
  const release = await lockfile.lock(opts.dir, {
    lockfilePath: join(opts.dir, 'lock'),
    // A download of ~30 MB may take a while; another installer waits for it rather than failing.
    retries: { retries: 600, minTimeout: 100, maxTimeout: 1000, factor: 1.2 },
    stale: 60_000,
  });
  const slow = setTimeout(() => opts.onSlow?.(), 15_000);
  try {
    if ((await exists(binary)) && (await terraformVersion(binary)) === opts.version) return binary;
    const platform = opts.platform ?? releasePlatform();
    const base = (opts.baseUrl ?? defaultReleasesUrl).replace(/\/+$/, '');
    const name = `terraform_${opts.version}_${platform}.zip`;
    const zip = await download(`${base}/terraform/${opts.version}/${name}`);
    const expected =
      (opts.hashes ?? pinnedReleaseHashes)[opts.version]?.[platform] ??
      (await publishedHash(`${base}/terraform/${opts.version}/terraform_${opts.version}_SHA256SUMS`, name));
    const actual = createHash('sha256').update(zip).digest('hex');
    if (actual !== expected)
      throw new Error(
        `The downloaded ${name} has SHA-256 ${actual}, expected ${expected}; refusing to install it.`,
      );
    const files = unzipSync(zip, { filter: (f) => f.name === 'terraform' });
    const exe = files['terraform'];
    if (!exe) throw new Error(`${name} contains no "terraform" executable.`);
    // Written beside the target and renamed, so no one ever runs a half-written binary.
    const partial = `${binary}.${randomUUID()}.partial`;
    try {
      await writeFile(partial, exe, { mode: 0o755 });
      await chmod(partial, 0o755);
      await rename(partial, binary);
    } finally {
      await rm(partial, { force: true });
    }
    const installed = await terraformVersion(binary);
    if (installed !== opts.version)
      throw new Error(
        `The installed Terraform reports version ${installed ?? '(none)'}, expected ${opts.version}.`,
      );
    return binary;
  } finally {
    clearTimeout(slow);
    await release();
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function download(url: string): Promise<Buffer> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Downloading ${url} failed: HTTP ${res.status}.`);
  return Buffer.from(await res.arrayBuffer());
}

/** The hash SHA256SUMS lists for `name` (same-origin: guards corruption, not a hostile mirror). */
async function publishedHash(url: string, name: string): Promise<string> {
  const sums = (await download(url)).toString('utf8');
  for (const line of sums.split('\n')) {
    const [hash, file] = line.trim().split(/\s+/);
    if (file === name && hash && /^[0-9a-f]{64}$/.test(hash)) return hash;
  }
  throw new Error(`${url} lists no SHA-256 for ${name}.`);
}
