/**
 * Native addons (node-pty, bufferutil) inside the standalone agent executable. A Node single
 * executable application requires only built-in modules and dlopen needs a file, so each addon is
 * embedded as an asset, written once to a cache directory named by its SHA-256, checked against
 * that hash on every load, and loaded with process.dlopen. The build
 * (scripts/build-steps/40-agent-sea.mjs) points node-pty's and bufferutil's loaders here.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRawAsset } from 'node:sea';
import { defaultCacheDir } from '../config-dir.js';

export interface LoadedAddon {
  /** The directory the addon was loaded from. */
  dir: string;
  exports: unknown;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const loaded = new Map<string, LoadedAddon>();

/** Loads the addon embedded as asset `<name>.node`; once, as require would. */
export function loadEmbeddedAddon(name: string): LoadedAddon {
  let addon = loaded.get(name);
  if (!addon) loaded.set(name, (addon = extractAndLoad(name)));
  return addon;
}

function extractAndLoad(name: string): LoadedAddon {
  const bytes = new Uint8Array(getRawAsset(`${name}.node`) as ArrayBuffer);
  const hash = sha256(bytes);
  const dir = join(cacheRoot(), hash);
  const file = join(dir, `${name}.node`);
  if (!hasBytes(file, hash)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, bytes, { mode: 0o700 });
    renameSync(tmp, file);
  }
  const module = { exports: {} as unknown };
  process.dlopen(module, file);
  return { dir, exports: module.exports };
}

function hasBytes(file: string, hash: string): boolean {
  try {
    return sha256(readFileSync(file)) === hash;
  } catch {
    return false;
  }
}

let root: string | undefined;

/**
 * ~/.cache/hangar/agent-addons, or a private directory under the temp dir where the home is not
 * writable (some containers). A shared temp dir is used only when this user owns the directory and
 * nobody else can write to it: another user could otherwise plant a library for us to load.
 */
function cacheRoot(): string {
  if (root) return root;
  const home = join(defaultCacheDir(), 'agent-addons');
  try {
    mkdirSync(home, { recursive: true, mode: 0o700 });
    return (root = home);
  } catch {
    // fall through to the temp dir
  }
  const uid = process.getuid?.() ?? 0;
  const tmp = join(tmpdir(), `hangar-agent-addons-${uid}`);
  mkdirSync(tmp, { recursive: true, mode: 0o700 });
  const st = lstatSync(tmp);
  if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o022) !== 0)
    throw new Error(`${tmp} is not a private directory of this user; refusing to load native code from it.`);
  return (root = tmp);
}
