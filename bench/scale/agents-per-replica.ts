// Measured limits of one replica (issue 9): agents per replica at which the agent API's p95 stays
// ≤ 100 ms, with every agent reporting 2 metadata items every 10 s (Coder's methodology); coderd's
// RSS per 1,000 agents; PostgreSQL's CPU at that load. One `hangar server` on the PostgreSQL of
// HANGAR_TEST_POSTGRES_URL; `hangar scaletest create-workspaces` makes the largest count of
// workspaces once, then for each step `hangar scaletest simulate-agents --count N` runs that many
// real agents (in one process beside the server, as the load generator) and, during their steady
// phase, this samples the server's RSS and CPU and the CPU of that PostgreSQL's processes (/proc).
// Steps go up until calls fail; the table shows where p95 passes 100 ms. Baseline in the same run: the server with no
// agents (RSS, CPU, PostgreSQL CPU over the same length of time). HANGAR_BENCH_BEFORE=<checkout>
// (a built checkout, e.g. main's) adds its server as a second replica on the same database and
// runs every step against it first, then against this build: a before/after under the same load.
// Run: npm run build && HANGAR_TEST_POSTGRES_URL=postgres://… [HANGAR_BENCH_BEFORE=/path/to/main] node dist/bench/scale/agents-per-replica.js [steps=250,500,1000,2000,3000] [seconds=60]
import { setTimeout as sleep } from 'node:timers/promises';
import {
  cpuSeconds,
  cpuUsed,
  joinServer,
  loadAverage,
  rssMb,
  seedWorkspaces,
  startDeployment,
  type Deployment,
} from './deployment.js';

/** A server under test: this build's, or the "before" build's beside it. */
interface Subject {
  name: string;
  pid: number;
  url: string;
}

const steps = (process.argv[2] ?? '250,500,1000,2000,3000').split(',').map(Number);
const seconds = Number(process.argv[3] ?? 60);
const goalMs = 100;

interface Sample {
  build: string;
  agents: number;
  p50: number | null;
  p95: number | null;
  calls: number;
  errors: number;
  dropped: number;
  rss: number;
  coderdCpu: number;
  postgresCpu: number;
  /** The `simulate-agents` process: a saturated load generator inflates every latency. */
  generatorCpu: number;
  load: string;
}

/** Server RSS and the CPU (in cores) of coderd, PostgreSQL and the load generator over `ms` from now. */
async function sample(
  d: Deployment,
  server: number,
  ms: number,
  generator?: number,
): Promise<Pick<Sample, 'rss' | 'coderdCpu' | 'postgresCpu' | 'generatorCpu'>> {
  const pids = () => [server, ...(generator ? [generator] : []), ...d.postgresPids()];
  const before = cpuSeconds(pids());
  const t0 = performance.now();
  await sleep(ms);
  const after = cpuSeconds(pids());
  const s = (performance.now() - t0) / 1000;
  const used = (keep: (pid: number) => boolean) => {
    const only = (m: Map<number, number>) => new Map([...m].filter(([pid]) => keep(pid)));
    return Math.round((cpuUsed(only(before), only(after)) / s) * 100) / 100;
  };
  return {
    rss: rssMb(server),
    coderdCpu: used((pid) => pid === server),
    postgresCpu: used((pid) => pid !== server && pid !== generator),
    generatorCpu: used((pid) => pid === generator),
  };
}

async function step(d: Deployment, subject: Subject, agents: number): Promise<Sample> {
  let measured: Promise<Awaited<ReturnType<typeof sample>>> | undefined;
  const rows = await d.scaletest(
    [
      'simulate-agents',
      '--count',
      String(agents),
      '--concurrency',
      '50',
      '--duration',
      `${seconds}s`,
      '--log-lines',
      '0',
    ],
    seconds * 1000 + 30 * 60_000,
    (line, pid) => {
      // Steady phase: skip the first 15 s (one full metadata cycle after the last agent started).
      if (line.startsWith('Agents running'))
        measured = sleep(15_000).then(() => sample(d, subject.pid, (seconds - 20) * 1000, pid));
    },
    subject.url,
  );
  const steady = rows.find((r) => r.metric === 'agent API, steady (all calls)')!;
  const dropped = rows.find((r) => r.metric === 'unplanned disconnects')!;
  const m = await measured!;
  return {
    build: subject.name,
    agents,
    p50: steady.p50_ms,
    p95: steady.p95_ms,
    calls: steady.count,
    errors: steady.errors,
    dropped: dropped.errors,
    ...m,
    load: loadAverage(),
  };
}

const d = await startDeployment();
const beforeCheckout = process.env.HANGAR_BENCH_BEFORE;
const results: Sample[] = [];
const subjects: Subject[] = [];
try {
  const before = beforeCheckout ? await joinServer(d, beforeCheckout) : undefined;
  try {
    if (before) subjects.push({ name: `before (${beforeCheckout})`, pid: before.pid, url: before.url });
    subjects.push({ name: 'this build', pid: d.session.server.pid, url: d.session.server.url });
    const largest = Math.max(...steps);
    console.error(`seeding ${largest} workspaces…`);
    const seeded = await seedWorkspaces(d, largest);
    console.error(`seeded: ${JSON.stringify(seeded.find((r) => r.metric === 'build'))}`);
    for (const subject of subjects) {
      const idle = await sample(d, subject.pid, (seconds - 20) * 1000);
      results.push({
        build: subject.name,
        agents: 0,
        p50: null,
        p95: null,
        calls: 0,
        errors: 0,
        dropped: 0,
        ...idle,
        load: loadAverage(),
      });
    }
    const failed = new Set<string>();
    for (const n of steps)
      for (const subject of subjects) {
        // Failing calls end a subject's run; past the goal the next steps still say what memory and CPU cost.
        if (failed.has(subject.name)) continue;
        console.error(`${subject.name}: ${n} agents…`);
        const r = await step(d, subject, n);
        results.push(r);
        console.error(JSON.stringify(r));
        if (r.errors > 0) failed.add(subject.name);
      }
  } finally {
    await before?.stop();
  }
} finally {
  await d.stop();
}
console.log(
  `agents per replica, 2 metadata items each every 10 s, ${seconds} s per step (steady ${seconds - 20} s sampled)`,
);
console.log(
  '| build | agents | agent API calls | errors | disconnects | p50 ms | p95 ms | coderd RSS MB | coderd CPU (cores) | PostgreSQL CPU (cores) | load generator CPU (cores) | load average |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results)
  console.log(
    `| ${r.build} | ${r.agents} | ${r.calls} | ${r.errors} | ${r.dropped} | ${r.p50 ?? '-'} | ${r.p95 ?? '-'} | ${r.rss} | ${r.coderdCpu} | ${r.postgresCpu} | ${r.generatorCpu} | ${r.load} |`,
  );
for (const subject of subjects) {
  const mine = results.filter((r) => r.build === subject.name);
  const idle = mine[0]!;
  const best = mine.filter((r) => r.agents > 0 && r.errors === 0 && (r.p95 ?? Infinity) <= goalMs).at(-1);
  if (best) {
    const perThousand = Math.round(((best.rss - idle.rss) / best.agents) * 1000);
    console.log(
      `\n${subject.name}: most agents with p95 ≤ ${goalMs} ms: ${best.agents} (p95 ${best.p95} ms); coderd RSS +${perThousand} MB per 1,000 agents; PostgreSQL ${best.postgresCpu} cores at that load`,
    );
  } else console.log(`\n${subject.name}: no step kept p95 ≤ ${goalMs} ms`);
}
