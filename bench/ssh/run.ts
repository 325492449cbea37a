// SSH and port-forward benchmark (issue 6): the real OpenSSH client through Hangar (ProxyCommand
// `hangar ssh --stdio`, the entry `hangar config-ssh` writes; coderd; a real `hangar agent`
// process) against the machine's own `sshd` on loopback, and `hangar port-forward` against direct
// loopback TCP to the same bulk target. Subjects alternate order each round after a warm-up; the
// orchestrator only waits and samples /proc while a subject runs. Prints medians and CPU-seconds
// per GiB per process (what limits each hop when the roles run on separate hosts).
// Needs `sshd` (apt-get install -y openssh-server; the bench starts its own on a free loopback
// port with a temporary host key and never reads or changes the system's sshd configuration)
// and a PostgreSQL: HANGAR_TEST_POSTGRES_URL (as the tests use).
// Run: npm run build && node dist/bench/ssh/run.js [rounds=3] [latencyRuns=20] [MiB=1024]
// HANGAR_BENCH_ONLY=port-forward skips the SSH figures; HANGAR_BENCH_BEFORE=<checkout> adds that
// checkout's built coderd, agent and `hangar port-forward` as a third port-forward subject.
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { ConfigFiles } from '../../src/cli/config-files.js';
import { ownerClient } from '../../test/support/provisioner.js';
import type { WorkspaceAgent } from '../../src/sdk/workspaces.js';
import { createAgentWorkspace } from '../../test/support/agent-workspace.js';
import { hangarBin, startTestServer } from '../../test/support/server.js';

const self = fileURLToPath(import.meta.url);
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}
const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;
const median = (xs: number[]) => pct(xs, 50);

// --- /proc accounting ----------------------------------------------------------------------------

interface Cpu {
  /** utime + stime of the process itself, seconds. */
  self: number;
  /** cutime + cstime: its children that have exited and been reaped. */
  children: number;
}

function cpuOf(pid: number): Cpu | undefined {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { self: (Number(f[11]) + Number(f[12])) / 100, children: (Number(f[13]) + Number(f[14])) / 100 };
  } catch {
    return undefined;
  }
}

function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((t) =>
      readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/**
 * Samples the CPU time of process trees every 50 ms, from when it is created: by `label:command`
 * (e.g. `agent:node`, `agent:head`). Processes that exist at the start count from then; a
 * process's last sample before it exits is what counts, so short-lived ones read slightly low.
 */
class TreeSampler {
  private readonly base = new Map<number, number>();
  private readonly last = new Map<number, { key: string; self: number }>();
  private readonly timer: NodeJS.Timeout;
  constructor(private readonly roots: Record<string, number>) {
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), 50);
  }
  private sample(first: boolean): void {
    const walk = (label: string, pid: number) => {
      const cpu = cpuOf(pid);
      if (cpu) {
        if (first) this.base.set(pid, cpu.self);
        const key = this.last.get(pid)?.key ?? `${label}:${commOf(pid)}`;
        this.last.set(pid, { key, self: cpu.self });
      }
      for (const c of childrenOf(pid)) walk(label, c);
    };
    for (const [label, pid] of Object.entries(this.roots)) walk(label, pid);
  }
  stop(): Record<string, number> {
    clearInterval(this.timer);
    this.sample(false);
    const out: Record<string, number> = {};
    for (const [pid, { key, self }] of this.last)
      out[key] = (out[key] ?? 0) + self - (this.base.get(pid) ?? 0);
    return out;
  }
}

// --- roles (forked processes) ------------------------------------------------------------------

/** The bulk target: every connection gets `bytes` of zeros, then EOF. */
async function bulkRole(args: { bytes: number }): Promise<void> {
  const chunk = Buffer.alloc(MiB);
  const server = net.createServer({ noDelay: true }, (sock) => {
    sock.on('error', () => {});
    let left = args.bytes;
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!sock.write(n === chunk.length ? chunk : chunk.subarray(0, n)))
          return void sock.once('drain', pump);
      }
      sock.end();
    };
    pump();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  process.send!({ port: (server.address() as AddressInfo).port });
}

/** Reads one connection to its end; reports bytes and seconds. */
async function sinkRole(args: { port: number }): Promise<void> {
  const t0 = performance.now();
  const sock = net.connect({ host: '127.0.0.1', port: args.port, noDelay: true });
  let bytes = 0;
  sock.on('data', (d: Buffer) => (bytes += d.length));
  await once(sock, 'end');
  process.send!({ bytes, seconds: (performance.now() - t0) / 1000 });
}

async function child<T>(role: string, args: unknown = {}): Promise<{ proc: ChildProcess; msg: T }> {
  const proc = fork(self, [role, JSON.stringify(args)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [msg] = (await once(proc, 'message')) as [T];
  return { proc, msg };
}

// --- the loopback sshd baseline -----------------------------------------------------------------

async function freePort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  s.close();
  return port;
}

const sshdBin = ['/usr/sbin/sshd', '/usr/local/sbin/sshd'].find((p) => existsSync(p));

async function startSshd(dir: string): Promise<{ proc: ChildProcess; port: number; identity: string }> {
  if (!sshdBin)
    throw new Error(
      'sshd is not installed: apt-get install -y openssh-server (only this benchmark needs it)',
    );
  const keygen = (file: string) =>
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'hangar-bench', '-f', file]);
  keygen(path.join(dir, 'host_key'));
  keygen(path.join(dir, 'id_ed25519'));
  const port = await freePort();
  const config = path.join(dir, 'sshd_config');
  appendFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${path.join(dir, 'host_key')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'id_ed25519.pub')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'PrintMotd no',
      '',
    ].join('\n'),
  );
  // sshd's privilege-separation directory (normally made by its service unit).
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const proc = spawn(sshdBin, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    proc.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('Server listening')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`sshd exited with ${code}:\n${log}`)));
  });
  return { proc, port, identity: path.join(dir, 'id_ed25519') };
}

// --- subjects ------------------------------------------------------------------------------------

interface SshRun {
  seconds: number;
  /** CPU seconds by `tree:command` (client:ssh, client:node = the hangar CLI, agent:node, …). */
  client: Record<string, number>;
}

function runSsh(
  config: string,
  host: string,
  command: string,
  servers?: Record<string, number>,
): Promise<SshRun> {
  const devnull = openSync('/dev/null', 'w');
  const t0 = performance.now();
  const p = spawn('ssh', ['-F', config, host, command], { stdio: ['ignore', devnull, 'pipe'] });
  closeSync(devnull);
  const sampler = servers ? new TreeSampler({ client: p.pid!, ...servers }) : undefined;
  let stderr = '';
  p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    p.on('exit', async (code) => {
      const seconds = (performance.now() - t0) / 1000;
      // The server side may still be winding down its session (sshd reaps its children).
      if (sampler) await sleep(300);
      const client = sampler?.stop() ?? {};
      if (code !== 0) reject(new Error(`ssh ${host} ${command} exited with ${code}: ${stderr}`));
      else resolve({ seconds, client });
    });
  });
}

function addInto(acc: Record<string, number[]>, x: Record<string, number>, scale: number): void {
  for (const [k, v] of Object.entries(x)) (acc[k] ??= []).push(r2(v * scale));
}

/** Medians by key; a key missing from a run counts as 0 there, and keys under 0.01 are left out. */
function medians(acc: Record<string, number[]>, runs = Math.max(...Object.values(acc).map((v) => v.length))) {
  return Object.fromEntries(
    Object.entries(acc)
      .map(([k, v]) => [k, r2(median([...v, ...Array<number>(runs - v.length).fill(0)]))] as const)
      .filter(([, v]) => v >= 0.01),
  );
}

// --- one Hangar deployment: coderd, a workspace with a real agent process, a CLI login -----------

interface HangarStack {
  server: Awaited<ReturnType<typeof startTestServer>>;
  agent: ChildProcess;
  cliDir: string;
  bin: string;
}

async function startHangarStack(
  bin: string,
  dir: string,
  cleanup: (() => unknown)[],
  profile: string | undefined,
): Promise<HangarStack> {
  const profArgs = (sub: string) =>
    profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profile, sub)}`] : [];
  const server = await startTestServer({ bin, nodeArgs: profArgs('coderd') });
  cleanup.unshift(() => server.stop());
  const client = await ownerClient(server.url);
  const pool = new pg.Pool({ connectionString: server.postgresUrl, max: 2 });
  const ws = await createAgentWorkspace(
    { db: { pool } },
    { ownerId: (await client.users.get('me')).id, name: 'bench' },
  );
  await pool.end();
  const agent = spawn(process.execPath, [...profArgs('agent'), bin, 'agent'], {
    env: { ...process.env, CODER_AGENT_URL: server.url, CODER_AGENT_TOKEN: ws.token },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  cleanup.unshift(() => agent.kill());
  for (;;) {
    const a = await client.request<WorkspaceAgent>('GET', `/workspaceagents/${ws.agentId}`);
    if (a.status === 'connected') break;
    await sleep(100);
  }
  const cliDir = await mkdtemp(path.join(dir, 'cli-'));
  const files = new ConfigFiles(cliDir);
  await files.write('url', server.url);
  await files.write('session', client.sessionToken ?? '');
  return { server, agent, cliDir, bin };
}

/** `hangar port-forward bench --tcp L:R` of a stack; resolves with L once it accepts. */
async function startPortForward(
  stack: HangarStack,
  remotePort: number,
  env: NodeJS.ProcessEnv,
  cleanup: (() => unknown)[],
  profile: string | undefined,
): Promise<{ proc: ChildProcess; port: number }> {
  const localPort = await freePort();
  const proc = spawn(
    process.execPath,
    [
      ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profile, 'port-forward')}`] : []),
      stack.bin,
      '--global-config',
      stack.cliDir,
      'port-forward',
      'bench',
      '--tcp',
      `127.0.0.1:${localPort}:${remotePort}`,
    ],
    { env, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  cleanup.unshift(() => proc.kill());
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(localPort, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    await sleep(100);
  }
  return { proc, port: localPort };
}

// --- orchestrator -------------------------------------------------------------------------------

async function orchestrate(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 3);
  const latencyRuns = Number(process.argv[3] ?? 20);
  const bytes = Number(process.argv[4] ?? 1024) * MiB;
  const withSsh = process.env.HANGAR_BENCH_ONLY !== 'port-forward';
  const beforeDir = process.env.HANGAR_BENCH_BEFORE;
  const log = (m: string) => console.error(`bench: ${m}`);
  const dir = await mkdtemp(path.join(tmpdir(), 'hangar-bench-ssh-'));
  const profile = process.env.HANGAR_BENCH_PROFILE;
  const cleanup: (() => unknown)[] = [() => rm(dir, { recursive: true, force: true })];
  const loadStart = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  try {
    const sshd = withSsh ? await startSshd(dir) : undefined;
    if (sshd) {
      cleanup.unshift(() => sshd.proc.kill());
      log(`sshd on 127.0.0.1:${sshd.port}`);
    }

    const stack = await startHangarStack(hangarBin, dir, cleanup, profile);
    const server = stack.server;
    log(`server at ${server.url}, agent connected`);
    const cliEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HANGAR_')));

    // The hosts config-ssh writes, and the loopback sshd's, in an SSH config of our own.
    const sshConfig = path.join(dir, 'ssh_config');
    if (sshd) {
      // HANGAR_BENCH_PROFILE also profiles the ProxyCommand, through a wrapper as the hangar binary;
      // ssh ends its ProxyCommand with SIGHUP, which would lose the profile without on-hup.cjs.
      const wrapper = path.join(dir, 'hangar-profiled');
      writeFileSync(path.join(dir, 'on-hup.cjs'), 'process.on("SIGHUP", () => process.exit(0));\n');
      if (profile) mkdirSync(path.join(profile, 'cli'), { recursive: true });
      if (profile)
        writeFileSync(
          wrapper,
          `#!/bin/sh\nexec ${process.execPath} -r ${path.join(dir, 'on-hup.cjs')} --cpu-prof --cpu-prof-dir=${path.join(profile, 'cli')} ${hangarBin} "$@"\n`,
          { mode: 0o755 },
        );
      execFileSync(
        process.execPath,
        [
          hangarBin,
          '--global-config',
          stack.cliDir,
          'config-ssh',
          '-y',
          '--ssh-config-file',
          sshConfig,
          ...(profile ? ['--hangar-binary-path', wrapper] : []),
        ],
        { env: cliEnv, stdio: ['ignore', 'ignore', 'inherit'] },
      );
      appendFileSync(
        sshConfig,
        [
          '',
          'Host openssh.loopback',
          '  HostName 127.0.0.1',
          `  Port ${sshd.port}`,
          `  User ${userInfo().username}`,
          `  IdentityFile ${sshd.identity}`,
          '  IdentitiesOnly yes',
          '  StrictHostKeyChecking no',
          '  UserKnownHostsFile /dev/null',
          '  LogLevel ERROR',
          '',
        ].join('\n'),
      );
    }
    const hosts = { openssh: 'openssh.loopback', hangar: 'hangar.bench' } as const;
    type Subject = keyof typeof hosts;
    const serverPids = {
      openssh: { sshd: sshd?.proc.pid ?? 0 },
      hangar: { coderd: server.pid, agent: stack.agent.pid! },
    };

    // Port-forward: the bulk target, and `hangar port-forward` to it (and the before build's).
    const bulk = await child<{ port: number }>('bulk', { bytes });
    cleanup.unshift(() => bulk.proc.kill());
    const forward = await startPortForward(stack, bulk.msg.port, cliEnv, cleanup, profile);
    const pfPorts: Record<string, number> = { direct: bulk.msg.port, forward: forward.port };
    const pfPids: Record<string, Record<string, number>> = {
      forward: { 'port-forward': forward.proc.pid!, coderd: server.pid, agent: stack.agent.pid! },
    };
    if (beforeDir) {
      const before = await startHangarStack(
        path.join(path.resolve(beforeDir), 'bin/hangar'),
        dir,
        cleanup,
        undefined,
      );
      const pf = await startPortForward(before, bulk.msg.port, cliEnv, cleanup, undefined);
      pfPorts.before = pf.port;
      pfPids.before = { 'port-forward': pf.proc.pid!, coderd: before.server.pid, agent: before.agent.pid! };
      log(`before build (${beforeDir}) at ${before.server.url}, agent connected`);
    }
    const pfSubjects = Object.keys(pfPorts);

    const latency: Record<Subject, number[]> = { openssh: [], hangar: [] };
    const sshMBps: Record<Subject, number[]> = { openssh: [], hangar: [] };
    const sshCpu: Record<Subject, Record<string, number[]>> = { openssh: {}, hangar: {} };
    const connectCpu: Record<Subject, Record<string, number[]>> = { openssh: {}, hangar: {} };
    const pfMBps: Record<string, number[]> = Object.fromEntries(pfSubjects.map((p) => [p, []]));
    const pfCpu: Record<string, Record<string, number[]>> = Object.fromEntries(
      pfSubjects.map((p) => [p, {}]),
    );
    const sink = async (port: number) =>
      (await child<{ bytes: number; seconds: number }>('sink', { port })).msg;

    // Warm-up: JIT, connection pools and page cache on both paths, unmeasured.
    if (sshd)
      for (const s of ['openssh', 'hangar'] as const) {
        for (let i = 0; i < 3; i++) await runSsh(sshConfig, hosts[s], 'true');
        await runSsh(sshConfig, hosts[s], `head -c ${64 * MiB} /dev/zero`);
      }
    for (const p of pfSubjects) await sink(pfPorts[p]!);
    log('warmed up');

    for (let r = 0; r < rounds; r++) {
      const order: Subject[] = r % 2 ? ['hangar', 'openssh'] : ['openssh', 'hangar'];
      for (const s of sshd ? order : []) {
        for (let i = 0; i < latencyRuns; i++) {
          const run = await runSsh(sshConfig, hosts[s], 'true', serverPids[s]);
          latency[s].push(run.seconds * 1000);
          addInto(connectCpu[s], run.client, 1000);
        }
        const run = await runSsh(sshConfig, hosts[s], `head -c ${bytes} /dev/zero`, serverPids[s]);
        addInto(sshCpu[s], run.client, GiB / bytes);
        sshMBps[s].push(bytes / MiB / run.seconds);
        log(
          `round ${r + 1} ${s}: true p50 ${r1(median(latency[s].slice(-latencyRuns)))} ms, ` +
            `cat ${r1(bytes / MiB / run.seconds)} MiB/s`,
        );
      }
      // Rotated each round, so no subject always runs first (or right after another).
      const pfOrder = pfSubjects.map((_, i) => pfSubjects[(i + r) % pfSubjects.length]!);
      for (const p of pfOrder) {
        const sampler = new TreeSampler(pfPids[p] ?? {});
        const res = await sink(pfPorts[p]!);
        const used = sampler.stop();
        if (res.bytes !== bytes) throw new Error(`${p}: received ${res.bytes} of ${bytes} bytes`);
        addInto(pfCpu[p]!, used, GiB / bytes);
        pfMBps[p]!.push(res.bytes / MiB / res.seconds);
        log(`round ${r + 1} port-forward ${p}: ${r1(res.bytes / MiB / res.seconds)} MiB/s`);
      }
    }

    const lat = (s: Subject) => ({ p50: r1(median(latency[s])), p95: r1(pct(latency[s], 95)) });
    const pct100 = (a: number, b: number) => Math.round((100 * a) / b);
    const pfMedian = Object.fromEntries(pfSubjects.map((p) => [p, r1(median(pfMBps[p]!))]));
    const summary = {
      rounds,
      latencyRuns,
      MiB: bytes / MiB,
      loadavg: {
        start: loadStart,
        end: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
      },
      ...(sshd && {
        ssh_true_ms: { openssh: lat('openssh'), hangar: lat('hangar') },
        // CPU-milliseconds per `ssh HOST true`, by process.
        ssh_true_cpu_ms_per_connection: {
          openssh: medians(connectCpu.openssh),
          hangar: medians(connectCpu.hangar),
        },
        ssh_cat_MiBps: { openssh: r1(median(sshMBps.openssh)), hangar: r1(median(sshMBps.hangar)) },
        ssh_cat_cpu_s_per_GiB: { openssh: medians(sshCpu.openssh), hangar: medians(sshCpu.hangar) },
      }),
      port_forward_MiBps: pfMedian,
      // Each round's ratio to the same round's direct run: shows rounds that stalled.
      port_forward_pct_of_direct_by_round: Object.fromEntries(
        pfSubjects
          .filter((p) => p !== 'direct')
          .map((p) => [p, pfMBps[p]!.map((v, i) => pct100(v, pfMBps.direct![i]!))]),
      ),
      port_forward_cpu_s_per_GiB: Object.fromEntries(
        pfSubjects.filter((p) => p !== 'direct').map((p) => [p, medians(pfCpu[p]!)]),
      ),
    };
    console.log(JSON.stringify(summary, null, 2));
    const goals: [string, number][] = [];
    if (sshd) {
      const t = summary.ssh_true_ms!;
      const c = summary.ssh_cat_MiBps!;
      goals.push(['ssh true p50 ratio (goal ≤ 2)', r2(t.hangar.p50 / t.openssh.p50)]);
      goals.push(['ssh true p95 ratio (goal ≤ 2)', r2(t.hangar.p95 / t.openssh.p95)]);
      goals.push(['ssh cat % of openssh (goal ≥ 50)', pct100(c.hangar, c.openssh)]);
    }
    goals.push(['port-forward % of direct (goal ≥ 40)', pct100(pfMedian.forward!, pfMedian.direct!)]);
    if (pfMedian.before)
      goals.push(['before build: port-forward % of direct', pct100(pfMedian.before, pfMedian.direct!)]);
    for (const [k, v] of goals) console.log(`${k}: ${v}`);
  } finally {
    for (const c of cleanup) await c();
  }
}

const role = process.argv[2];
const roleArgs = () => JSON.parse(process.argv[3] ?? '{}');
if (role === 'bulk') await bulkRole(roleArgs());
else if (role === 'sink') {
  await sinkRole(roleArgs());
  process.disconnect?.();
} else await orchestrate();
