// PostgreSQL refuses to run as root. When Hangar runs as root, the bundled server runs as an
// unprivileged user instead, and the folders it needs must be reachable by that user
// (docs/adr/0005-bundled-postgresql-as-root.md).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Internal } from '../../sdk/errors.js';
import type { Logger } from '../../sdk/logger.js';

export interface RunAs {
  user: string;
  uid: number;
  gid: number;
}

/** The system user created when the distribution's `postgres` user does not exist. */
export const fallbackUserName = 'hangar-postgres';

function lookup(user: string): RunAs | undefined {
  const uid = spawnSync('id', ['-u', user], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { user, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Undefined for a normal user (PostgreSQL runs as ourselves); as root, `postgres` or a created system user. */
export function resolveRunAs(logger: Logger): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const existing = lookup('postgres') ?? lookup(fallbackUserName);
  if (existing) return existing;
  const r = spawnSync(
    'useradd',
    [
      '--system',
      '--user-group',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
    ].concat(fallbackUserName),
    { encoding: 'utf8' },
  );
  const created = lookup(fallbackUserName);
  if (!created) {
    throw new Internal(
      `Running as root, the bundled PostgreSQL needs an unprivileged user, and creating "${fallbackUserName}" failed.`,
      { detail: (r.error?.message ?? r.stderr) || `useradd exited with ${r.status}` },
    );
  }
  logger.info({ user: fallbackUserName }, 'created a system user to run the bundled PostgreSQL');
  return created;
}

/** True if `runAs` can reach `path` (and execute it, for a file): asked of the kernel, so ACLs count. */
export function canAccess(runAs: RunAs, path: string): boolean {
  const r = spawnSync('/bin/sh', ['-c', 'test -x "$1"', 'sh', path], { uid: runAs.uid, gid: runAs.gid });
  return r.status === 0;
}

function hasSetfacl(): boolean {
  return ['/usr/bin/setfacl', '/bin/setfacl', '/usr/local/bin/setfacl'].some((p) => existsSync(p));
}

/**
 * Makes every folder from `/` down to `path` traversable by `runAs`, granting only the execute bit on
 * the folders that lack it: a POSIX ACL entry for that one user when setfacl exists, else `o+x`.
 * Root's home (mode 700) holds the default config dir, hence this. Each change is logged as a warning.
 */
export function ensureTraversable(runAs: RunAs, path: string, logger: Logger): string[] {
  const chain: string[] = [];
  for (let d = resolve(path); ; d = dirname(d)) {
    chain.unshift(d);
    if (dirname(d) === d) break;
  }
  const changed: string[] = [];
  const acl = hasSetfacl();
  for (const dir of chain) {
    if (canAccess(runAs, dir)) continue;
    let method = 'acl';
    if (acl) {
      const r = spawnSync('setfacl', ['-m', `u:${runAs.user}:x`, dir], { encoding: 'utf8' });
      if (r.status !== 0) method = 'chmod';
    } else {
      method = 'chmod';
    }
    if (method === 'chmod') chmodSync(dir, statSync(dir).mode | 0o001);
    if (!canAccess(runAs, dir)) {
      throw new Internal(`The bundled PostgreSQL's user "${runAs.user}" cannot reach ${dir}.`, {
        detail: 'Granting it the execute (traverse) permission did not help; check the mount options.',
      });
    }
    logger.warn(
      { dir, user: runAs.user, method: method === 'acl' ? `setfacl -m u:${runAs.user}:x` : 'chmod o+x' },
      'granted the bundled PostgreSQL user traverse permission on a folder',
    );
    changed.push(dir);
  }
  return changed;
}
