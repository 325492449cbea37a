// `GET /api/v2/workspaces` with 1,000 workspaces in the database (issue 9; goal p95 ≤ 50 ms):
// seeds them with `hangar scaletest create-workspaces` (real builds: rows for builds, jobs,
// resources and agents), then times, interleaved and sequentially as one dashboard would, the
// first page (`limit=25`, what the dashboard asks), the whole list (`limit=0`), and the baseline
// `GET /api/v2/users/me` (authenticated, one row) on the same server in the same run.
// Run: npm run build && HANGAR_TEST_POSTGRES_URL=postgres://… node dist/bench/scale/workspaces-list.js [workspaces=1000] [requests=200]
import { performance } from 'node:perf_hooks';
import { Metric } from '../../src/cli/scaletest/metrics.js';
import { loadAverage, seedWorkspaces, startDeployment } from './deployment.js';

const count = Number(process.argv[2] ?? 1000);
const requests = Number(process.argv[3] ?? 200);

const d = await startDeployment();
try {
  console.error(`seeding ${count} workspaces…`);
  const seeded = await seedWorkspaces(d, count);
  const build = seeded.find((r) => r.metric === 'build');
  console.error(`seeded: ${build?.count} builds, ${build?.errors} errors`);
  const token = d.client.sessionToken!;
  const subjects = {
    'GET /users/me (baseline)': '/api/v2/users/me',
    'GET /workspaces?limit=25 (first page)': '/api/v2/workspaces?limit=25',
    'GET /workspaces (all, limit=0)': '/api/v2/workspaces?limit=0',
  };
  const metrics = Object.fromEntries(Object.keys(subjects).map((k) => [k, new Metric(k)]));
  const get = async (path: string) => {
    const res = await fetch(new URL(path, d.session.server.url), {
      headers: { 'Coder-Session-Token': token },
    });
    const body = await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    return body.byteLength;
  };
  const sizes: Record<string, number> = {};
  for (const [name, path] of Object.entries(subjects))
    for (let i = 0; i < 10; i++) sizes[name] = await get(path);
  const load = [loadAverage()];
  for (let i = 0; i < requests; i++)
    for (const [name, path] of Object.entries(subjects)) {
      const started = performance.now();
      await get(path).then(
        () => metrics[name]!.add(performance.now() - started),
        (err: unknown) => metrics[name]!.fail(err),
      );
    }
  load.push(loadAverage());
  console.log(
    `GET /api/v2/workspaces with ${count} workspaces, ${requests} sequential requests each, interleaved`,
  );
  console.log(`load average before / after: ${load.join(' / ')}`);
  console.log('| request | bytes | count | errors | p50 ms | p95 ms | p99 ms |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [name, m] of Object.entries(metrics)) {
    const s = m.summary();
    console.log(
      `| ${name} | ${sizes[name]} | ${s.count} | ${s.errors} | ${s.p50_ms} | ${s.p95_ms} | ${s.p99_ms} |`,
    );
  }
} finally {
  await d.stop();
}
