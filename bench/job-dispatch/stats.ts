// Percentiles and throughput of one benchmark phase.

export interface PhaseResult {
  jobs: number;
  succeeded: number;
  dispatch_ms: { p50: number; p95: number; p99: number; max: number };
  jobs_per_s: number;
}

/** Nearest-rank percentile of sorted values. */
function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** dispatchMs: started − created per job; spanS: last completion − first creation. */
export function summarize(dispatchMs: number[], succeeded: number, spanS: number): PhaseResult {
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
