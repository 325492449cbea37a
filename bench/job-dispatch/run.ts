// Job dispatch benchmark (not a timed test). Hangar (a `hangar server` process with 3 built-in
// daemons + 2 external `hangar provisioner start` processes, echo jobs posted over the API) against
// the bare-SQL baseline of baseline.ts, in rotating order, each round in fresh processes and a
// fresh database. Two phases each:
//   paced  — `jobs` jobs posted at `rate`/s: dispatch latency (post → acquired: started_at −
//            created_at, both PostgreSQL's clock_timestamp) p50/p95/p99 at that offered load;
//   burst  — `jobs` jobs posted as fast as 16 callers can: jobs/s = jobs / (last completion −
//            first post), the sustained throughput with a full queue.
// Run: npm run build && HANGAR_TEST_POSTGRES_URL=postgres://… node dist/bench/job-dispatch/run.js [jobs] [rate] [rounds]
// Subjects `hangar…` on the test cluster (--postgres-url) and `…-bundled` on the server's bundled
// PostgreSQL (its default). HANGAR_BENCH_BEFORE=<another checkout, built> adds that build as
// subjects `before`, `before-bundled` (same rounds); HANGAR_BENCH_SUBJECTS picks some;
// HANGAR_BENCH_CPU_PROF=<dir> writes this build's server CPU profiles there.
import { cpus, loadavg } from 'node:os';
import { runBaseline } from './baseline.js';
import { runHangar } from './hangar.js';
import { median, type Phase, type PhaseResult } from './stats.js';

const jobs = Number(process.argv[2] ?? 1000);
const rate = Number(process.argv[3] ?? 200);
const rounds = Number(process.argv[4] ?? 2);
const before = process.env.HANGAR_BENCH_BEFORE;
const cpuProfDir = process.env.HANGAR_BENCH_CPU_PROF;

// `hangar`/`before` use the test cluster through --postgres-url (an external PostgreSQL);
// `…-bundled` run the server's default, its bundled PostgreSQL.
const allSubjects = ['baseline', 'before', 'hangar', 'before-bundled', 'hangar-bundled'] as const;
type Subject = (typeof allSubjects)[number];
// HANGAR_BENCH_SUBJECTS=hangar,hangar-bundled runs only those.
const subjects: Subject[] = process.env.HANGAR_BENCH_SUBJECTS
  ? process.env.HANGAR_BENCH_SUBJECTS.split(',').map((s) => {
      if (!(allSubjects as readonly string[]).includes(s)) throw new Error(`unknown subject ${s}`);
      return s as Subject;
    })
  : allSubjects.filter((s) => before || !s.startsWith('before'));
const run = (which: Subject) =>
  which === 'baseline'
    ? runBaseline(jobs, rate)
    : runHangar(jobs, rate, {
        ...(which.startsWith('before') ? { checkout: before } : { cpuProfDir }),
        bundled: which.endsWith('-bundled'),
      });

const runs = new Map<Subject, Record<Phase, PhaseResult>[]>(subjects.map((s) => [s, []]));
const load = [loadavg()[0]!];
for (let r = 0; r < rounds; r++) {
  // Rotate the order so no subject always runs first (or right after another's cleanup).
  const order = subjects.map((_, i) => subjects[(i + r) % subjects.length]!);
  for (const which of order) {
    const res = await run(which);
    runs.get(which)!.push(res);
    load.push(res.paced.load_1m, res.burst.load_1m);
    console.log(JSON.stringify({ round: r + 1, which, ...res }));
  }
}
const med = (which: Subject, phase: Phase, f: (p: PhaseResult) => number | null) =>
  median(runs.get(which)!.map((x) => f(x[phase]!) ?? NaN));
const medByProcess = (which: Subject, phase: Phase) =>
  Object.fromEntries(
    Object.keys(runs.get(which)![0]![phase].cpu_ms_per_job_by_process).map((k) => [
      k,
      med(which, phase, (p) => p.cpu_ms_per_job_by_process[k] ?? null),
    ]),
  );
console.log(
  JSON.stringify({
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    load_1m: { min: Math.min(...load), max: Math.max(...load) },
    jobs,
    rate_per_s: rate,
    rounds,
    median: Object.fromEntries(
      subjects.map((w) => [
        w,
        {
          paced_dispatch_ms: {
            p50: med(w, 'paced', (p) => p.dispatch_ms.p50),
            p95: med(w, 'paced', (p) => p.dispatch_ms.p95),
            p99: med(w, 'paced', (p) => p.dispatch_ms.p99),
          },
          paced_jobs_per_s: med(w, 'paced', (p) => p.jobs_per_s),
          paced_cpu_ms_per_job: med(w, 'paced', (p) => p.cpu_ms_per_job),
          paced_cpu_ms_per_job_by_process: medByProcess(w, 'paced'),
          paced_statements_per_job: med(w, 'paced', (p) => p.statements_per_job),
          burst_jobs_per_s: med(w, 'burst', (p) => p.jobs_per_s),
          burst_dispatch_p95_ms: med(w, 'burst', (p) => p.dispatch_ms.p95),
          burst_cpu_ms_per_job: med(w, 'burst', (p) => p.cpu_ms_per_job),
          burst_cpu_ms_per_job_by_process: medByProcess(w, 'burst'),
          burst_statements_per_job: med(w, 'burst', (p) => p.statements_per_job),
        },
      ]),
    ),
  }),
);
