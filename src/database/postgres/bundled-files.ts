// The small persistent state of the bundled PostgreSQL beside its data: port, password, binaries.
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { PreconditionFailed } from '../../sdk/errors.js';

function writeSecret(file: string, value: string): void {
  writeFileSync(file, value + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Resolves to a port nobody listens on at 127.0.0.1 now (0 asks the kernel for a free one). */
export function listenable(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(undefined));
    s.listen(port, '127.0.0.1', () => {
      const addr = s.address();
      const got = typeof addr === 'object' && addr ? addr.port : undefined;
      s.close(() => resolve(got));
    });
  });
}

/**
 * The persisted port, or a new free one persisted now. If the persisted port is taken by someone
 * else, a new one is chosen and persisted (nothing outside Hangar stores the bundled URL), and
 * `moved` says so the caller can log it.
 */
export async function choosePort(dir: string): Promise<{ port: number; moved?: number }> {
  const file = join(dir, 'port');
  const saved = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : NaN;
  if (Number.isInteger(saved) && saved > 0 && saved < 65536 && (await listenable(saved)) === saved) {
    return { port: saved };
  }
  const port = await listenable(0);
  if (!port) throw new PreconditionFailed('No free TCP port on 127.0.0.1 for the bundled PostgreSQL.');
  writeSecret(file, String(port));
  return Number.isInteger(saved) && saved > 0 ? { port, moved: saved } : { port };
}

/** The persisted password, or a new random one persisted with mode 0600. */
export function choosePassword(dir: string): string {
  const file = join(dir, 'password');
  if (existsSync(file)) {
    const pw = readFileSync(file, 'utf8').trim();
    if (pw) return pw;
  }
  const pw = randomBytes(18).toString('base64url');
  writeSecret(file, pw);
  return pw;
}

/**
 * The PID in a leftover `postmaster.pid` if that process is a live postgres, otherwise undefined
 * after deleting the stale file (and stale socket locks) so the new server can start.
 */
export function clearStalePid(dataDir: string, runDir: string): number | undefined {
  const file = join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isPostgres(pid)) return pid;
  rmSync(file, { force: true });
  if (existsSync(runDir)) {
    for (const f of readdirSync(runDir))
      if (f.startsWith('.s.PGSQL.')) rmSync(join(runDir, f), { force: true });
  }
  return undefined;
}

function isPostgres(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // A recycled PID belonging to another program must not keep the server from starting.
    return /postgres|postmaster/.test(readFileSync(`/proc/${pid}/comm`, 'utf8'));
  } catch {
    return true; // no /proc: assume the worst rather than start a second postmaster
  }
}

/**
 * Copies the package's binaries, libraries and share files into `target` (once per binary version),
 * for when the unprivileged user cannot reach node_modules. Layout stays bin/, lib/, share/ because
 * the binaries find their libraries and share files relative to themselves.
 */
export function copyBinaries(nativeRoot: string, target: string, version: string): void {
  const stamp = join(target, '.version');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === version) return;
  rmSync(target, { recursive: true, force: true });
  cpSync(nativeRoot, target, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (src) => !src.endsWith('.a') && basename(dirname(src)) !== 'include',
  });
  chmodSync(target, 0o755);
  writeFileSync(stamp, version);
}
