// Benchmark of the standalone agent executable (Node SEA, scripts/build-steps/40-agent-sea.mjs),
// run from a built tree:
//   npm run build && node bench/agent-standalone/run.mjs [rounds]
// Reports the artifact sizes and, per start mode, the time from spawn to the agent's first HTTP
// request to the deployment (a local server that answers 401, so the agent backs off and is
// killed): the standalone executable with a cold addon cache (fresh XDG_CACHE_HOME: the addons are
// extracted) and a warm one, and the Node bundle run by this `node`; baseline `node -e 0`.
// Modes alternate within each round; medians are reported.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const root = path.resolve(import.meta.dirname, '../..');
const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
const exe = path.join(root, `dist/agent-bundle/hangar-agent-linux-${arch}`);
const bundle = path.join(root, 'dist/agent-bundle/hangar-agent.mjs');
const rounds = Number(process.argv[2] ?? 5);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

let onRequest = () => {};
const server = createServer((req, res) => {
  onRequest();
  res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"message":"bench"}');
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;

/** ms from spawn until the first request reaches the server (or until exit, for the baseline). */
async function timeStart(cmd, args, env) {
  const t0 = performance.now();
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: 'ignore' });
  const exited = new Promise((r) => child.on('exit', r));
  const ms = await new Promise((resolve) => {
    onRequest = () => resolve(performance.now() - t0);
    void exited.then(() => resolve(performance.now() - t0));
  });
  onRequest = () => {};
  child.kill('SIGKILL');
  await exited;
  return ms;
}

const agentArgs = ['agent', '--url', url, '--token', '00000000-0000-4000-8000-000000000000'];
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hangar-bench-agent-'));
const warmCache = path.join(tmp, 'warm');
const modes = {
  'standalone, cold addon cache': () =>
    timeStart(exe, agentArgs, { XDG_CACHE_HOME: mkdtempSync(path.join(tmp, 'cold-')), HOME: tmp }),
  'standalone, warm addon cache': () => timeStart(exe, agentArgs, { XDG_CACHE_HOME: warmCache, HOME: tmp }),
  'node + hangar-agent.mjs': () => timeStart(process.execPath, [bundle, ...agentArgs], { HOME: tmp }),
  'baseline: node -e 0 (exit)': () => timeStart(process.execPath, ['-e', '0'], {}),
};
await modes['standalone, warm addon cache'](); // fills the warm cache
const times = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
for (let round = 0; round < rounds; round++)
  for (const [mode, measure] of Object.entries(modes)) times[mode].push(await measure());
server.close();
rmSync(tmp, { recursive: true, force: true });

const mb = (file) => (statSync(file).size / 1e6).toFixed(1);
console.log(`node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`);
console.log(
  `sizes: standalone ${mb(exe)} MB (gzip ${mb(`${exe}.gz`)} MB), hangar-agent.mjs ${mb(bundle)} MB, node ${mb(process.execPath)} MB`,
);
console.log('| start mode | spawn → first request, median | min–max |');
console.log('|---|---|---|');
for (const [mode, xs] of Object.entries(times))
  console.log(
    `| ${mode} | ${Math.round(median(xs))} ms | ${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))} ms |`,
  );
