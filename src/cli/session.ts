/**
 * Resolves the deployment URL and session token for a command: flag, then environment variable
 * (both handled by commander on the root), then the files `hangar login` stored.
 */
import type { Command } from 'commander';
import { HangarClient } from '../sdk/hangar-client.js';
import { resolveConfigDir } from './config-dir.js';
import { ConfigFiles } from './config-files.js';
import { CliError, ExitCode, notLoggedIn } from './errors.js';

export interface GlobalOptions {
  url?: string;
  token?: string;
  globalConfig?: string;
  verbose?: boolean;
}

export function globalsOf(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

export function configFilesOf(cmd: Command): ConfigFiles {
  return new ConfigFiles(resolveConfigDir(globalsOf(cmd).globalConfig));
}

/** Adds a scheme when the user typed only a host, as `coder login` does; localhost gets http. */
export function normalizeUrl(raw: string): URL {
  let text = raw.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    const local = /^(localhost|127\.|\[::1\])/i.test(text);
    text = `${local ? 'http' : 'https'}://${text}`;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(`"${raw}" is not a valid URL.`, { exitCode: ExitCode.usage });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`"${raw}" must be an http or https URL.`, { exitCode: ExitCode.usage });
  }
  return url;
}

/** The URL only (for commands such as login that do not need a session yet). */
export async function deploymentUrl(cmd: Command): Promise<URL | undefined> {
  const raw = globalsOf(cmd).url ?? (await configFilesOf(cmd).read('url'));
  return raw ? normalizeUrl(raw) : undefined;
}

/** A client with a session, or the "not logged in" error when either piece is missing. */
export async function authedClient(cmd: Command): Promise<HangarClient> {
  const files = configFilesOf(cmd);
  const url = await deploymentUrl(cmd);
  const token = globalsOf(cmd).token ?? (await files.read('session'));
  if (!url || !token) throw notLoggedIn();
  return new HangarClient(url, token);
}
