// The two phases every subject runs, and their percentiles and throughput read from the database.
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import pg from 'pg';
import { testClusterUrl } from '../../test/support/postgres.js';

export interface PhaseResult {
  jobs: number;
  succeeded: number;
  dispatch_ms: { p50: number; p95: number; p99: number; max: number };
  jobs_per_s: number;
  /** CPU time (user + system) of the measured processes per job, this phase. */
  cpu_ms_per_job: number;
  /**
   * CPU per job of every process taking part, by role: the measured ones (server, external
   * daemons; the baseline's own process) and those not in cpu_ms_per_job (PostgreSQL's postmaster
   * and backends, the benchmark's poster), so the whole machine's cost per job shows.
   */
  cpu_ms_per_job_by_process: Record<string, number>;
  /**
   * SQL statements the measured processes sent per job (PostgreSQL round trips), from
   * pg_stat_statements; null when the cluster was not started with it preloaded.
   */
  statements_per_job: number | null;
  /** 1-minute load average when the phase ended. */
  load_1m: number;
  /** Posts the server refused (overload); their jobs are not in the figures. */
  post_errors?: number;
}

/** Nearest-rank percentile of sorted values. */
function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** dispatchMs: started − created per job; spanS: last completion − first creation. */
export function summarize(dispatchMs: number[], succeeded: number, spanS: number): Measured {
  const s = [...dispatchMs].sort((a, b) => a - b);
  return {
    jobs: s.length,
    succeeded,
    dispatch_ms: {
      p50: round1(pct(s, 50)),
      p95: round1(pct(s, 95)),
      p99: round1(pct(s, 99)),
      max: round1(s.at(-1)!),
    },
    jobs_per_s: Math.round(s.length / spanS),
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Calls post(i) for i < n at `rate` per second (open loop: a slow post does not delay the next). */
export async function paced(n: number, rate: number, post: (i: number) => Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  const inflight: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(post(i));
  }
  await Promise.all(inflight);
}

/** Calls post(i) for i < n as fast as `concurrency` callers can. */
export async function burst(
  n: number,
  concurrency: number,
  post: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    [...Array(concurrency).keys()].map(async () => {
      while (next < n) await post(next++);
    }),
  );
}

export type Phase = 'paced' | 'burst';
/** What a subject posts for: the measured phases, and the warm-up before them. */
export type PostPhase = Phase | 'warmup';

/**
 * Jobs posted at the paced rate and waited for, unmeasured, before the phases, the same for every
 * subject: module loading, JIT compilation and pool connections then do not land on the first
 * measured jobs, where at 200 jobs/s a one-off stall of a few hundred ms becomes the p95.
 */
export const warmupJobs = (jobs: number) => Math.min(200, Math.ceil(jobs / 5));

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces); undefined if gone. */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

const ticksPerSecond = 100; // getconf CLK_TCK on Linux

/**
 * CPU milliseconds (user + system) a process has used so far, from /proc (Linux); with
 * `reapedChildren`, also that of its children that exited (cutime + cstime).
 */
export function processCpuMs(pid: number, reapedChildren = false): number {
  const f = statFields(pid);
  if (!f) return 0;
  // utime, stime, cutime, cstime are the 12th to 15th fields after the name.
  const ticks = Number(f[11]) + Number(f[12]) + (reapedChildren ? Number(f[13]) + Number(f[14]) : 0);
  return (ticks * 1000) / ticksPerSecond;
}

/**
 * CPU milliseconds of a PostgreSQL cluster so far: the postmaster, its live children (backends,
 * background workers) and those that exited. Backends that exit between two readings are counted
 * by the postmaster's cutime, so deltas over a phase stay right.
 */
export function clusterCpuMs(postmasterPid: number): number {
  let ms = processCpuMs(postmasterPid, true);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(entry);
    if (f && Number(f[1]) === postmasterPid) ms += processCpuMs(Number(entry));
  }
  return ms;
}

/** The postmaster's pid of the cluster `pool` talks to (the parent of its backend). */
export async function postmasterPid(pool: pg.Pool): Promise<number> {
  const r = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return Number(statFields(r.rows[0]!.pid)![1]);
}

/** Named CPU counters (ms so far); `measured` names those summed into cpu_ms_per_job. */
export interface CpuCounters {
  read: () => Record<string, number>;
  measured: string[];
}

/**
 * Runs paced then burst; `post(phase)` posts one job, `collect(phase)` waits for and reads them,
 * `cpuMs()` sums the CPU time of the processes that do the queue's work.
 */
export async function runPhases(
  jobs: number,
  rate: number,
  post: (phase: PostPhase) => () => Promise<unknown>,
  collect: (phase: PostPhase) => Promise<Measured>,
  cpu: CpuCounters,
  statements: () => Promise<number | null>,
): Promise<Record<Phase, PhaseResult>> {
  const measured = async (run: () => Promise<void>, phase: Phase): Promise<PhaseResult> => {
    const before = cpu.read();
    const sqlBefore = await statements();
    await run();
    const result = await collect(phase);
    const sqlAfter = await statements();
    const after = cpu.read();
    // Per job that was posted (an overloaded server may have refused some).
    const perJob = (n: number) => Math.round((n / result.jobs) * 100) / 100;
    const used = (k: string) => (after[k] ?? 0) - (before[k] ?? 0);
    return {
      ...result,
      cpu_ms_per_job: perJob(cpu.measured.reduce((n, k) => n + used(k), 0)),
      cpu_ms_per_job_by_process: Object.fromEntries(Object.keys(after).map((k) => [k, perJob(used(k))])),
      statements_per_job: sqlBefore === null || sqlAfter === null ? null : perJob(sqlAfter - sqlBefore),
      load_1m: Math.round(loadavg()[0]! * 10) / 10,
    };
  };
  await paced(warmupJobs(jobs), rate, post('warmup'));
  await collect('warmup');
  return {
    paced: await measured(() => paced(jobs, rate, post('paced')), 'paced'),
    burst: await measured(() => burst(jobs, 16, post('burst')), 'burst'),
  };
}

type Measured = Omit<
  PhaseResult,
  'cpu_ms_per_job' | 'cpu_ms_per_job_by_process' | 'statements_per_job' | 'load_1m'
>;

/**
 * The benchmark reads the database as its own role, so pg_stat_statements tells the statements of
 * the measured processes (the cluster's user) from the benchmark's polling.
 */
const readerRole = 'hangar_bench_reader';

/**
 * A pool on `url` as the reader role, created on first use with the cluster's (superuser) `url`,
 * which also gets pg_stat_statements where the cluster preloads it.
 */
export async function readerPool(url: string, clusterUrl = testClusterUrl()): Promise<pg.Pool> {
  const admin = new pg.Client({ connectionString: clusterUrl });
  await admin.connect();
  try {
    await admin.query(`DO $$ BEGIN
      CREATE ROLE ${readerRole} LOGIN IN ROLE pg_read_all_data, pg_read_all_stats;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
    await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements').catch(() => {});
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.username = readerRole;
  return new pg.Pool({ connectionString: u.toString(), max: 2 });
}

/**
 * Counts the statements `url`'s user has run in `url`'s database so far, from pg_stat_statements
 * (track = top) read in the cluster's database; null when the cluster does not preload it.
 */
export async function statementCounter(
  url: string,
  clusterUrl = testClusterUrl(),
): Promise<{ count: () => Promise<number | null>; close: () => Promise<void> }> {
  const u = new URL(url);
  const database = decodeURIComponent(u.pathname.slice(1));
  const user = decodeURIComponent(u.username);
  const reader = await readerPool(clusterUrl, clusterUrl);
  let available = true;
  const count = async () => {
    if (!available) return null;
    try {
      const r = await reader.query(
        `SELECT coalesce(sum(s.calls), 0)::bigint AS n FROM pg_stat_statements s
          JOIN pg_database d ON d.oid = s.dbid JOIN pg_roles r ON r.oid = s.userid
         WHERE d.datname = $1 AND r.rolname = $2`,
        [database, user],
      );
      return Number(r.rows[0].n);
    } catch {
      available = false; // extension missing or not in shared_preload_libraries
      return null;
    }
  };
  return { count, close: () => reader.end() };
}

export interface JobsQuery {
  table: string;
  /** Selects the phase's jobs, e.g. `id = ANY($1::uuid[])`. */
  where: string;
  params: unknown[];
  /** A boolean expression true for a job that succeeded. */
  succeeded: string;
}

/** Waits until every selected job has completed, then summarizes them. */
export async function collectJobs(pool: pg.Pool, q: JobsQuery): Promise<Measured> {
  for (;;) {
    const r = await pool.query(
      `SELECT count(*) AS n FROM ${q.table} WHERE ${q.where} AND completed_at IS NULL`,
      q.params,
    );
    if (Number(r.rows[0].n) === 0) break;
    await new Promise((res) => setTimeout(res, 20));
  }
  const rows = await pool.query(
    `SELECT extract(epoch FROM started_at - created_at) * 1000 AS ms, ${q.succeeded} AS ok
     FROM ${q.table} WHERE ${q.where}`,
    q.params,
  );
  const span = await pool.query(
    `SELECT extract(epoch FROM max(completed_at) - min(created_at)) AS s FROM ${q.table} WHERE ${q.where}`,
    q.params,
  );
  return summarize(
    rows.rows.map((x: { ms: string }) => Number(x.ms)),
    rows.rows.filter((x: { ok: boolean }) => x.ok).length,
    Number(span.rows[0].s),
  );
}
