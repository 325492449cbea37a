// Job dispatch benchmark (not a timed test). Hangar (a `hangar server` process with 3 built-in
// daemons + 2 external `hangar provisioner start` processes, echo jobs posted over the API) against
// the bare-SQL baseline of baseline.ts, in alternating order, each round in fresh processes and a
// fresh database. Two phases each:
//   paced  — `jobs` jobs posted at `rate`/s: dispatch latency (post → acquired: started_at −
//            created_at, both PostgreSQL's clock_timestamp) p50/p95/p99 at that offered load;
//   burst  — `jobs` jobs posted as fast as 16 callers can: jobs/s = jobs / (last completion −
//            first post), the sustained throughput with a full queue.
// Run: npm run build && HANGAR_TEST_POSTGRES_URL=postgres://… node dist/bench/job-dispatch/run.js [jobs] [rate] [rounds]
import { cpus } from 'node:os';
import { runBaseline } from './baseline.js';
import { runHangar } from './hangar.js';
import { median, type Phase, type PhaseResult } from './stats.js';

const jobs = Number(process.argv[2] ?? 1000);
const rate = Number(process.argv[3] ?? 200);
const rounds = Number(process.argv[4] ?? 2);

const runs: Record<'hangar' | 'baseline', Record<Phase, PhaseResult>[]> = { hangar: [], baseline: [] };
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? (['baseline', 'hangar'] as const) : (['hangar', 'baseline'] as const);
  for (const which of order) {
    const res = which === 'hangar' ? await runHangar(jobs, rate) : await runBaseline(jobs, rate);
    runs[which].push(res);
    console.log(JSON.stringify({ round: r + 1, which, ...res }));
  }
}
const med = (which: 'hangar' | 'baseline', phase: Phase, f: (p: PhaseResult) => number) =>
  median(runs[which].map((x) => f(x[phase]!)));
console.log(
  JSON.stringify({
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    jobs,
    rate_per_s: rate,
    rounds,
    median: Object.fromEntries(
      (['hangar', 'baseline'] as const).map((w) => [
        w,
        {
          paced_dispatch_ms: {
            p50: med(w, 'paced', (p) => p.dispatch_ms.p50),
            p95: med(w, 'paced', (p) => p.dispatch_ms.p95),
            p99: med(w, 'paced', (p) => p.dispatch_ms.p99),
          },
          paced_jobs_per_s: med(w, 'paced', (p) => p.jobs_per_s),
          burst_jobs_per_s: med(w, 'burst', (p) => p.jobs_per_s),
          burst_dispatch_p95_ms: med(w, 'burst', (p) => p.dispatch_ms.p95),
          burst_cpu_ms_per_job: med(w, 'burst', (p) => p.cpu_ms_per_job),
        },
      ]),
    ),
  }),
);
