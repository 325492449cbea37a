/** Where the CLI and server keep state: `--global-config`, then HANGAR_CONFIG_DIR, then ~/.config/hangar. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function resolveConfigDir(flag?: string): string {
  if (flag) return resolve(flag);
  if (process.env.HANGAR_CONFIG_DIR) return resolve(process.env.HANGAR_CONFIG_DIR);
  const xdg = process.env.XDG_CONFIG_HOME;
  return join(xdg ? resolve(xdg) : join(homedir(), '.config'), 'hangar');
}

export function defaultCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg ? resolve(xdg) : join(homedir(), '.cache'), 'hangar');
}
