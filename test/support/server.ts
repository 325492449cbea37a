// A real `bin/hangar server` process on a fresh per-test database, for multi-process tests (the CLI,
// daemons, agents). The server listens on port 0 and the URL is read from the line it prints.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase } from './postgres.js';

/** The repository root, from dist/test/support (compiled) or test/support. */
export const repoRoot = path.resolve(
  import.meta.dirname,
  import.meta.dirname.includes('/dist/') ? '../../..' : '../..',
);
export const hangarBin = path.join(repoRoot, 'bin/hangar');

export interface TestServer {
  url: string;
  configDir: string;
  postgresUrl: string;
  /** The server process, for benchmarks that read its CPU time. */
  pid: number;
  /** What the server has printed so far (JSON log lines). */
  output(): string;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface StartTestServerOptions {
  extraArgs?: string[];
  /** Flags for node itself, before the script (e.g. `--cpu-prof` in benchmarks). */
  nodeArgs?: string[];
  env?: Record<string, string>;
  /** Join this database (another replica of the same deployment) instead of a fresh one; the caller disposes it. */
  postgresUrl?: string;
  /** Another build's `bin/hangar` (benchmarks compare two checkouts); default this one's. */
  bin?: string;
  /**
   * No --postgres-url: the server runs its bundled PostgreSQL under the config dir, as `hangar
   * server` does by default (benchmarks). `postgresUrl` is then that cluster's, over TCP.
   */
  bundled?: boolean;
}

const startTimeoutMs = 30_000;

export async function startTestServer(opts: StartTestServerOptions = {}): Promise<TestServer> {
  const db =
    opts.postgresUrl || opts.bundled
      ? { url: opts.postgresUrl ?? '', dispose: async () => {} }
      : await createTestDatabase();
  const configDir = await mkdtemp(path.join(tmpdir(), 'hangar-server-'));
  const args = [
    ...(opts.nodeArgs ?? []),
    opts.bin ?? hangarBin,
    'server',
    ...(opts.bundled ? [] : ['--postgres-url', db.url]),
    '--http-address',
    '127.0.0.1:0',
    '--provisioner-daemons',
    '0',
    '--global-config',
    configDir,
    ...(opts.extraArgs ?? []),
  ];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, HANGAR_LOG_FORMAT: 'json', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`hangar server did not start in ${startTimeoutMs} ms:\n${log}`)),
        startTimeoutMs,
      );
      child.stderr.on('data', (d: Buffer) => {
        log += d.toString();
        const m = /Hangar is running at (http:\/\/\S+)/.exec(log);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`hangar server exited with ${code} before starting:\n${log}`));
      });
    });
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    await db.dispose();
    await rm(configDir, { recursive: true, force: true });
    throw err;
  }
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      }
      await db.dispose();
      await rm(configDir, { recursive: true, force: true });
    })());
  return {
    url,
    configDir,
    postgresUrl: opts.bundled ? await bundledUrl(path.join(configDir, 'postgres')) : db.url,
    pid: child.pid!,
    output: () => log,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** The bundled cluster's TCP URL, from the port and password files the server keeps beside it. */
async function bundledUrl(dir: string): Promise<string> {
  const [port, password] = await Promise.all(
    ['port', 'password'].map(async (f) => (await readFile(path.join(dir, f), 'utf8')).trim()),
  );
  return `postgres://hangar:${encodeURIComponent(password!)}@127.0.0.1:${port}/hangar`;
}
