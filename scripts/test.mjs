// `npm test`: starts a throw-away PostgreSQL cluster from the machine's PostgreSQL binaries (the
// README's prerequisite), runs every compiled *.test.js under dist/ with Node's test runner, and
// stops the cluster. HANGAR_TEST_POSTGRES_URL skips the cluster and uses an existing server.
// Arguments filter test files by substring: `npm test -- users`.
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const filters = process.argv.slice(2);

function findTests(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) findTests(full, out);
    else if (name.endsWith('.test.js')) out.push(full);
  }
  return out;
}

function pgBinDir() {
  if (process.env.HANGAR_TEST_PG_BIN) return process.env.HANGAR_TEST_PG_BIN;
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base).filter((v) => existsSync(path.join(base, v, 'bin/initdb')));
    versions.sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(base, versions[0], 'bin');
  }
  const r = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (r.status === 0 && existsSync(path.join(r.stdout.trim(), 'initdb'))) return r.stdout.trim();
  return undefined;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function pgUser() {
  if (process.getuid?.() !== 0) return undefined;
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error('test: running as root needs the "postgres" user (installed with the postgresql package).');
    process.exit(1);
  }
  return { uid: Number(r.stdout), gid: Number(g.stdout) };
}

async function startCluster() {
  const bin = pgBinDir();
  if (!bin) {
    console.error(
      'test: no PostgreSQL server binaries found. Install them as the README says ' +
        '(apt-get install -y postgresql) or set HANGAR_TEST_POSTGRES_URL.',
    );
    process.exit(1);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hangar-test-pg-'));
  const user = pgUser();
  const asUser = user ? { uid: user.uid, gid: user.gid } : {};
  if (user) chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  const init = spawnSync(
    path.join(bin, 'initdb'),
    ['-D', data, '-U', 'hangar', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'],
    { ...asUser, encoding: 'utf8' },
  );
  if (init.status !== 0) {
    console.error(`test: initdb failed:\n${init.stdout}${init.stderr}`);
    process.exit(1);
  }
  const port = await freePort();
  const args = ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1'];
  for (const c of ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=400']) {
    args.push('-c', c);
  }
  const pg = spawn(path.join(bin, 'postgres'), args, { ...asUser, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise((resolve, reject) => {
    pg.stderr.on('data', (d) => {
      log += d;
      if (log.includes('ready to accept connections')) resolve();
    });
    pg.on('exit', (code) => reject(new Error(`postgres exited with ${code}:\n${log}`)));
  });
  pg.stderr.resume();
  return {
    url: `postgres://hangar@127.0.0.1:${port}/postgres`,
    async stop() {
      pg.kill('SIGINT');
      await new Promise((r) => (pg.exitCode !== null ? r() : pg.on('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let files = ['dist/src', 'dist/site', 'dist/test'].flatMap((d) => findTests(path.join(root, d)));
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('test: no test files found (run `npm run build` first).');
  process.exit(1);
}

let cluster;
const env = { ...process.env };
if (!env.HANGAR_TEST_POSTGRES_URL) {
  cluster = await startCluster();
  env.HANGAR_TEST_POSTGRES_URL = cluster.url;
}
const concurrency = process.env.HANGAR_TEST_CONCURRENCY ?? '2';
const child = spawn(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { cwd: root, env, stdio: 'inherit' },
);
const stopAll = () => child.kill('SIGINT');
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);
const code = await new Promise((r) => child.on('exit', (c, s) => r(c ?? (s ? 1 : 0))));
await cluster?.stop();
process.exit(code);
