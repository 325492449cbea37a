// The deployment both scale benchmarks load: one `hangar server` (3 built-in echo daemons) on the
// PostgreSQL of HANGAR_TEST_POSTGRES_URL, an owner logged in through the CLI, and `count`
// scale-test workspaces made by `hangar scaletest create-workspaces` (real builds, real rows).
// HANGAR_BENCH_PROFILE=<dir> writes a CPU profile of the server there. `joinServer` starts another
// build's server on the same database (a "before" subject measured beside this build's).
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { MetricSummary } from '../../src/cli/scaletest/metrics.js';
import { HangarClient } from '../../src/sdk/hangar-client.js';
import { cliOwner, startCliSession, type CliSession } from '../../test/support/cli-session.js';
import { hangarBin, startTestServer, type TestServer } from '../../test/support/server.js';

export interface Deployment {
  session: CliSession;
  client: HangarClient;
  /** Runs `hangar scaletest …` (as the owner; against `url`, default the first server) and returns its JSON rows. */
  scaletest(
    args: string[],
    timeoutMs: number,
    onStderr?: (line: string, pid: number) => void,
    url?: string,
  ): Promise<MetricSummary[]>;
  /** Process ids of this deployment's PostgreSQL (the postmaster and its children). */
  postgresPids(): number[];
  stop(): Promise<void>;
}

export async function startDeployment(): Promise<Deployment> {
  const profile = process.env.HANGAR_BENCH_PROFILE;
  const session = await startCliSession({
    extraArgs: ['--provisioner-daemons', '3'],
    // A CPU profile of the server, written when it exits.
    nodeArgs: profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : [],
  });
  const client = new HangarClient(session.server.url);
  let postmaster: number;
  try {
    client.sessionToken = (
      await client.users.login({ email: cliOwner.email, password: cliOwner.password })
    ).session_token;
    // The postmaster is the parent of a backend: ask one for its pid.
    const db = new pg.Client({ connectionString: session.server.postgresUrl });
    await db.connect();
    const backend = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    postmaster = parentOf(backend);
    await db.end();
  } catch (err) {
    await session.stop();
    throw err;
  }
  return {
    session,
    client,
    async scaletest(args, timeoutMs, onStderr, url) {
      const child = spawn(process.execPath, [hangarBin, 'scaletest', ...args, '-o', 'json'], {
        env: {
          ...process.env,
          HANGAR_CONFIG_DIR: session.configDir,
          NO_COLOR: '1',
          ...(url ? { HANGAR_URL: url } : {}),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        for (const line of d.toString().split('\n')) if (line) onStderr?.(line, child.pid!);
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      clearTimeout(timer);
      if (!out.trim()) throw new Error(`hangar scaletest ${args.join(' ')} exited ${code}:\n${err}`);
      return JSON.parse(out) as MetricSummary[];
    },
    postgresPids: () => [postmaster, ...childrenOf(postmaster)],
    stop: () => session.stop(),
  };
}

/**
 * Another build's server (`<checkout>/bin/hangar`, 3 built-in echo daemons) as a second replica
 * on the deployment's database: the same workspaces and owner, measured by pointing the load
 * generator at its URL. Stop it before the deployment (whose stop drops the database).
 */
export function joinServer(d: Deployment, checkout: string): Promise<TestServer> {
  return startTestServer({
    postgresUrl: d.session.server.postgresUrl,
    bin: path.join(checkout, 'bin/hangar'),
    extraArgs: ['--provisioner-daemons', '3'],
  });
}

const stat = (pid: number) =>
  readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');

function parentOf(pid: number): number {
  return Number(stat(pid)[1]);
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (parentOf(Number(name)) === pid) out.push(Number(name));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

const ticks = 100; // USER_HZ on Linux

/** CPU seconds (user + system) each process has used so far; vanished ones are left out. */
export function cpuSeconds(pids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const f = stat(pid);
      out.set(pid, (Number(f[11]) + Number(f[12])) / ticks);
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

/** CPU seconds used between two readings: processes started meanwhile count from 0. */
export function cpuUsed(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, s] of after) sum += s - (before.get(pid) ?? 0);
  return sum;
}

/** Resident memory of a process, in MB. */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

export const loadAverage = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** Seeds `count` running scale-test workspaces (each its own user) and returns the run's rows. */
export async function seedWorkspaces(d: Deployment, count: number): Promise<MetricSummary[]> {
  return d.scaletest(
    ['create-workspaces', '--count', String(count), '--concurrency', '20', '--no-cleanup'],
    60 * 60_000,
  );
}
