// The two phases every subject runs, and their percentiles and throughput read from the database.
import { readFileSync } from 'node:fs';
import type pg from 'pg';

export interface PhaseResult {
  jobs: number;
  succeeded: number;
  dispatch_ms: { p50: number; p95: number; p99: number; max: number };
  jobs_per_s: number;
  /** CPU time (user + system) of the measured processes per job, this phase. */
  cpu_ms_per_job: number;
}

/** Nearest-rank percentile of sorted values. */
function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** dispatchMs: started − created per job; spanS: last completion − first creation. */
export function summarize(
  dispatchMs: number[],
  succeeded: number,
  spanS: number,
): Omit<PhaseResult, 'cpu_ms_per_job'> {
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

/** CPU milliseconds (user + system) a process has used so far, from /proc (Linux). */
export function processCpuMs(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100; // getconf CLK_TCK on Linux
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/**
 * Runs paced then burst; `post(phase)` posts one job, `collect(phase)` waits for and reads them,
 * `cpuMs()` sums the CPU time of the processes that do the queue's work.
 */
export async function runPhases(
  jobs: number,
  rate: number,
  post: (phase: Phase) => () => Promise<unknown>,
  collect: (phase: Phase) => Promise<Omit<PhaseResult, 'cpu_ms_per_job'>>,
  cpuMs: () => number,
): Promise<Record<Phase, PhaseResult>> {
  const measured = async (run: () => Promise<void>, phase: Phase): Promise<PhaseResult> => {
    const before = cpuMs();
    await run();
    const result = await collect(phase);
    return { ...result, cpu_ms_per_job: Math.round(((cpuMs() - before) / jobs) * 100) / 100 };
  };
  return {
    paced: await measured(() => paced(jobs, rate, post('paced')), 'paced'),
    burst: await measured(() => burst(jobs, 16, post('burst')), 'burst'),
  };
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
export async function collectJobs(pool: pg.Pool, q: JobsQuery): Promise<Omit<PhaseResult, 'cpu_ms_per_job'>> {
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
