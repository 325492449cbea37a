// Workspace app proxy and web terminal benchmark (issue 7): requests/s and latency of a small GET
// through a subdomain app (client → coderd → agent tunnel → app) against the same app server hit
// directly on loopback, and the keystroke-echo round trip of the web terminal against a terminal
// opened directly on the same machine. Every role is its own process: `hangar server`, `hangar
// agent`, the app, and the load generator (forked, measuring while this orchestrator idles);
// subjects alternate order each round. Proxied requests carry the signed app token cookie a
// browser would, so they take the no-database path after the first one.
// Needs a PostgreSQL: HANGAR_TEST_POSTGRES_URL (as the tests use).
// Run: npm run build && node dist/bench/apps/run.js [rounds=3] [seconds=8] [connections=16]
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { WebSocket } from 'ws';
import { ownerClient } from '../../test/support/provisioner.js';
import type { WorkspaceAgent } from '../../src/sdk/workspaces.js';
import { spawnPty } from '../../src/agent/pty.js';
import { createAgentWorkspace } from '../../test/support/agent-workspace.js';
import { httpRequest } from '../../test/support/http-request.js';
import { hangarBin, startTestServer } from '../../test/support/server.js';

const self = fileURLToPath(import.meta.url);

interface LoadResult {
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
}

interface EchoResult {
  samples: number;
  p50: number;
  p95: number;
  p99: number;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}
const r2 = (x: number) => Math.round(x * 100) / 100;
const median = (xs: number[]) => pct(xs, 50);

// --- roles -------------------------------------------------------------------------------------

/** The app: a small GET answered with 13 bytes. */
async function appRole(): Promise<void> {
  const body = Buffer.from('hello, world\n');
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  process.send!({ port: (server.address() as AddressInfo).port });
}

/** Closed-loop load: `conns` keep-alive connections each sending requests back to back. */
async function loadRole(args: { url: string; headers: Record<string, string>; conns: number; ms: number }) {
  const u = new URL(args.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: args.conns });
  const get = () =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: u.port, path: u.pathname, headers: args.headers, agent },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end();
    });
  // Warm-up: open the connections (and, through the proxy, its pooled tunnel streams).
  await Promise.all(Array.from({ length: args.conns }, get));
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const end = started + args.ms;
  await Promise.all(
    Array.from({ length: args.conns }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          await get();
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  const secs = (performance.now() - started) / 1000;
  agent.destroy();
  const result: LoadResult = {
    requests: latencies.length,
    errors,
    rps: Math.round(latencies.length / secs),
    p50: r2(pct(latencies, 50)),
    p95: r2(pct(latencies, 95)),
    p99: r2(pct(latencies, 99)),
  };
  process.send!(result);
}

/** Types one character at a time into a terminal running `cat` and times each echo. */
async function echoLoop(send: (c: string) => void, onData: (cb: (s: string) => void) => void, n: number) {
  let waiting: { char: string; resolve: () => void } | undefined;
  let seen = '';
  onData((s) => {
    seen += s;
    if (waiting && seen.includes(waiting.char)) {
      seen = '';
      waiting.resolve();
    }
  });
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const char = String.fromCharCode(97 + (i % 26));
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      waiting = { char, resolve };
      send(char);
    });
    out.push(performance.now() - t0);
    if (i % 60 === 59) send('\r');
    await sleep(2);
  }
  return out.slice(20);
}

async function keysRole(args: { url?: string; token?: string; n: number }) {
  let samples: number[];
  if (args.url) {
    const ws = new WebSocket(args.url, {
      headers: { 'Coder-Session-Token': args.token! },
      perMessageDeflate: false,
    });
    await once(ws, 'open');
    await sleep(500);
    samples = await echoLoop(
      (c) => ws.send(JSON.stringify({ data: c })),
      (cb) => ws.on('message', (d: Buffer) => cb(d.toString())),
      args.n,
    );
    ws.close();
  } else {
    const p = await spawnPty('cat', [], {
      cols: 80,
      rows: 24,
      cwd: '/',
      env: { PATH: process.env.PATH ?? '' },
    });
    await sleep(200);
    samples = await echoLoop(
      (c) => p.write(c),
      (cb) => p.onData((d) => cb(d.toString())),
      args.n,
    );
    p.kill('SIGKILL');
  }
  const result: EchoResult = {
    samples: samples.length,
    p50: r2(pct(samples, 50)),
    p95: r2(pct(samples, 95)),
    p99: r2(pct(samples, 99)),
  };
  process.send!(result);
}

async function child<T>(role: string, args: unknown = {}): Promise<{ proc: ChildProcess; msg: T }> {
  const proc = fork(self, [role, JSON.stringify(args)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [msg] = (await once(proc, 'message')) as [T];
  return { proc, msg };
}

function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

// --- orchestrator ------------------------------------------------------------------------------

async function orchestrate(): Promise<void> {
  const log = (m: string) => console.error(`bench: ${m}`);
  const app = await child<{ port: number }>('app');
  log(`app on port ${app.msg.port}`);
  try {
    await measure(app.msg.port, log);
  } finally {
    app.proc.kill();
  }
}

async function measure(appPort: number, log: (m: string) => void): Promise<void> {
  const rounds = Number(process.argv[2] ?? 3);
  const ms = Number(process.argv[3] ?? 8) * 1000;
  const conns = Number(process.argv[4] ?? 16);
  // HANGAR_BENCH_PROFILE=dir writes a CPU profile of the server process there.
  const profile = process.env.HANGAR_BENCH_PROFILE;
  await using server = await startTestServer({
    extraArgs: ['--wildcard-access-url', '*.apps.localhost'],
    ...(profile ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profile}`] } : {}),
  });
  log(`server at ${server.url}`);
  const port = new URL(server.url).port;
  const client = await ownerClient(server.url);
  const pool = new pg.Pool({ connectionString: server.postgresUrl, max: 2 });
  const ws = await createAgentWorkspace(
    { db: { pool } },
    {
      ownerId: (await client.users.get('me')).id,
      name: 'bench',
      apps: [{ slug: 'hello', url: `http://127.0.0.1:${appPort}`, subdomain: true }],
    },
  );
  await pool.end();
  log('workspace created');
  const agent = spawn(process.execPath, [hangarBin, 'agent'], {
    env: { ...process.env, CODER_AGENT_URL: server.url, CODER_AGENT_TOKEN: ws.token },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  log('agent started');
  try {
    for (;;) {
      const a = await client.request<WorkspaceAgent>('GET', `/workspaceagents/${ws.agentId}`);
      if (a.status === 'connected') break;
      await sleep(100);
    }
    const host = `hello--main--bench--bench.apps.localhost:${port}`;
    const signedCookie = async () => {
      const res = await httpRequest(`http://${host}/`, {
        headers: { 'Coder-Session-Token': client.sessionToken! },
      });
      const c = (res.headers['set-cookie'] ?? []).find((x) => x.startsWith('coder_signed_app_token='));
      if (res.status !== 200 || !c) throw new Error(`the app answered ${res.status} without a signed token`);
      return c.split(';')[0]!;
    };
    const subjects = {
      direct: async (c: number) => ({ url: `http://127.0.0.1:${appPort}/`, headers: {}, conns: c, ms }),
      proxy: async (c: number) => ({
        url: `http://127.0.0.1:${port}/`,
        headers: { Host: host, Cookie: await signedCookie() },
        conns: c,
        ms,
      }),
    };
    const results: Record<string, { load: LoadResult[]; single: LoadResult[] }> = {
      direct: { load: [], single: [] },
      proxy: { load: [], single: [] },
    };
    const cpu: { server: number[]; agent: number[] } = { server: [], agent: [] };
    // One unmeasured pass of each, so both are measured with warm JIT and open connections.
    for (const name of ['direct', 'proxy'] as const)
      await child<LoadResult>('load', { ...(await subjects[name](conns)), ms: 3000 });
    log('warmed up');
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 ? (['proxy', 'direct'] as const) : (['direct', 'proxy'] as const);
      for (const name of order) {
        const cpu0 = name === 'proxy' ? [cpuSeconds(server.pid), cpuSeconds(agent.pid!)] : [];
        const load = await child<LoadResult>('load', await subjects[name](conns));
        if (name === 'proxy')
          for (const [k, pid, i] of [
            ['server', server.pid, 0],
            ['agent', agent.pid!, 1],
          ] as const)
            cpu[k].push(((cpuSeconds(pid) - cpu0[i]!) * 1e6) / Math.max(1, load.msg.requests));
        results[name]!.load.push(load.msg);
        const single = await child<LoadResult>('load', { ...(await subjects[name](1)), ms: ms / 2 });
        results[name]!.single.push(single.msg);
        console.error(
          `round ${r + 1} ${name}: ${JSON.stringify(load.msg)} single ${JSON.stringify(single.msg)}`,
        );
      }
    }
    const keys: Record<string, EchoResult[]> = { direct: [], terminal: [] };
    for (let r = 0; r < rounds; r++) {
      const terminal = client.apps.terminalUrl(ws.agentId, {
        reconnect: crypto.randomUUID(),
        command: 'cat',
      });
      for (const name of r % 2 ? ['terminal', 'direct'] : ['direct', 'terminal']) {
        const args =
          name === 'direct' ? { n: 320 } : { url: terminal.toString(), token: client.sessionToken, n: 320 };
        keys[name]!.push((await child<EchoResult>('keys', args)).msg);
      }
    }
    // Medians over the rounds of each figure.
    const med = (xs: LoadResult[]) => ({
      rps: median(xs.map((x) => x.rps)),
      p50: median(xs.map((x) => x.p50)),
      p95: median(xs.map((x) => x.p95)),
    });
    const summary = {
      rounds,
      seconds: ms / 1000,
      connections: conns,
      load: { direct: med(results.direct!.load), proxy: med(results.proxy!.load) },
      single: { direct: med(results.direct!.single), proxy: med(results.proxy!.single) },
      errors: [...results.direct!.load, ...results.proxy!.load].reduce((n, x) => n + x.errors, 0),
      cpu_us_per_request: { server: r2(median(cpu.server)), agent: r2(median(cpu.agent)) },
      keystroke_echo_ms: {
        direct: { p50: median(keys.direct!.map((k) => k.p50)), p95: median(keys.direct!.map((k) => k.p95)) },
        terminal: {
          p50: median(keys.terminal!.map((k) => k.p50)),
          p95: median(keys.terminal!.map((k) => k.p95)),
        },
      },
      loadavg: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    };
    console.log(JSON.stringify(summary, null, 2));
    console.log(
      `proxy throughput ${Math.round((100 * summary.load.proxy.rps) / summary.load.direct.rps)} % of direct; ` +
        `added p95 at 1 connection ${r2(summary.single.proxy.p95 - summary.single.direct.p95)} ms`,
    );
  } finally {
    agent.kill();
  }
}

const role = process.argv[2];
const roleArgs = () => JSON.parse(process.argv[3] ?? '{}');
if (role === 'app') await appRole();
else if (role === 'load') {
  await loadRole(roleArgs());
  process.disconnect?.();
} else if (role === 'keys') {
  await keysRole(roleArgs());
  process.disconnect?.();
} else await orchestrate();
