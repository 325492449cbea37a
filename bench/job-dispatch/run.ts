// Job dispatch benchmark (not a timed test): 1,000 echo jobs against one server with 3 built-in
// daemons and 2 external daemon processes. Dispatch latency = started_at − created_at per job
// (both stamped by PostgreSQL's clock_timestamp), throughput = jobs / (last completion − first post).
// Run: npm run build && HANGAR_TEST_POSTGRES_URL=… node dist/bench/job-dispatch/run.js [jobs]
import { spawnExternalDaemon, startProvisionerEnv } from '../../test/support/provisioner.js';

const total = Number(process.argv[2] ?? 1000);
const env = await startProvisionerEnv(3, { acquireFallbackPollMs: 10_000 });
const { key } = await env.owner.provisioners.createKey('default', { name: 'bench' });
const ext = [0, 1].map((i) => spawnExternalDaemon({ url: env.replica.url, key, name: `bench-ext-${i}` }));
await new Promise((r) => setTimeout(r, 1_500));
const started = Date.now();
const concurrency = 16;
let next = 0;
await Promise.all(
  [...Array(concurrency).keys()].map(async () => {
    while (next < total) {
      next++;
      await env.owner.provisioners.postJob('default', { provisioner: 'echo', input: { stages: [] } });
    }
  }),
);
for (;;) {
  const r = await env.db.pool.query(`SELECT count(*) AS n FROM provisioner_jobs WHERE completed_at IS NULL`);
  if (Number(r.rows[0].n) === 0) break;
  await new Promise((res) => setTimeout(res, 50));
}
const r = await env.db.pool.query(
  `SELECT extract(epoch FROM started_at - created_at) * 1000 AS ms, job_status FROM provisioner_jobs ORDER BY ms`,
);
const span = await env.db.pool.query(
  `SELECT extract(epoch FROM max(completed_at) - min(created_at)) AS s FROM provisioner_jobs`,
);
const ms = r.rows.map((x: { ms: string }) => Number(x.ms));
const pct = (p: number) => ms[Math.min(ms.length - 1, Math.floor((p / 100) * ms.length))]!.toFixed(1);
const ok = r.rows.filter((x: { job_status: string }) => x.job_status === 'succeeded').length;
console.log(
  JSON.stringify({
    jobs: total,
    succeeded: ok,
    dispatch_ms: { p50: pct(50), p95: pct(95), p99: pct(99) },
    jobs_per_s: (total / Number(span.rows[0].s)).toFixed(0),
    wall_s: ((Date.now() - started) / 1000).toFixed(1),
  }),
);
for (const d of ext) d.child.kill('SIGTERM');
await Promise.all(ext.map((d) => d.exited));
await env.close();
