// Two real `hangar server` processes on one PostgreSQL that this test starts itself (never the
// shared test cluster), an agent process on replica A and an OpenSSH session through replica B
// relayed to it, a workspace watcher on A and a job queue under load. Then PostgreSQL stops:
// both replicas report the database as the cause of ill health while the SSH stream keeps
// flowing. It comes back on the same port: both report healthy again, pub/sub has resubscribed
// (a job posted now wakes B's daemon at once, the watcher on A sees a build made through B), the
// session never noticed, and every job posted before the outage has run.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { BundledPostgres } from '../../src/database/postgres/bundled-postgres.js';
import type { HealthcheckReport } from '../../src/sdk/deployment.js';
import { HangarClient } from '../../src/sdk/hangar-client.js';
import { SessionTokenHeader } from '../../src/sdk/headers.js';
import { nopLogger } from '../../src/sdk/logger.js';
import type { Workspace } from '../../src/sdk/workspaces.js';
import { agentConnection, workspaceWithAgent } from '../support/agent-rows.js';
import { eventually, sshThroughHangar } from '../support/hangar-ssh.js';
import { ownerClient, waitForJob } from '../support/provisioner.js';
import { hangarBin, startTestServer } from '../support/server.js';
import { freePort } from '../support/tcp-balancer.js';

/** The health report as anyone sees it: during an outage nobody can sign in. */
async function health(url: string, token?: string): Promise<{ status: number; body: HealthcheckReport }> {
  const res = await fetch(new URL('/api/v2/debug/health', url), {
    headers: token ? { [SessionTokenHeader]: token } : {},
  });
  return { status: res.status, body: (await res.json()) as HealthcheckReport };
}

/** Every `data` event of a workspace's live stream, as they arrive. */
function watch(client: HangarClient, id: string): { events: Workspace[]; close(): void } {
  const abort = new AbortController();
  const events: Workspace[] = [];
  void (async () => {
    const res = await fetch(client.workspaces.watchUrl(id), {
      headers: { [SessionTokenHeader]: client.sessionToken! },
      signal: abort.signal,
    });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const parts = (buffer + value).split('\n\n');
      buffer = parts.pop()!;
      for (const e of parts) {
        const data = /^event: data\ndata: (.*)$/m.exec(e)?.[1];
        if (data) events.push(JSON.parse(data) as Workspace);
      }
    }
  })().catch(() => {});
  return { events, close: () => abort.abort() };
}

const ticks = (out: string) => out.split('\n').filter((l) => l.startsWith('tick ')).length;

test(
  'PostgreSQL stops under load and returns: replicas say why, tunnels stay up, pub/sub resubscribes, nothing is lost',
  { timeout: 300_000 },
  async () => {
    const base = await mkdtemp(path.join(tmpdir(), 'hangar-pg-outage-'));
    const pgDir = path.join(base, 'postgres');
    let postgres = await BundledPostgres.start({ dir: pgDir, logger: nopLogger });
    const cleanups: (() => Promise<unknown>)[] = [];
    try {
      const pool = new pg.Pool({ connectionString: postgres.url, max: 2 });
      pool.on('error', () => {}); // its connections die with the server, on purpose
      cleanups.push(() => pool.end());
      const [portA, portB] = [await freePort(), await freePort()];
      const [urlA, urlB] = [`http://127.0.0.1:${portA}`, `http://127.0.0.1:${portB}`];
      const replica = (port: number, daemons: number) =>
        startTestServer({
          postgresUrl: postgres.url,
          extraArgs: [
            ...['--http-address', `127.0.0.1:${port}`, '--relay-url', `http://127.0.0.1:${port}`],
            ...['--provisioner-daemons', String(daemons)],
          ],
        });
      const a = await replica(portA, 0);
      cleanups.push(() => a.stop());
      const b = await replica(portB, 1);
      cleanups.push(() => b.stop());
      const owner = await ownerClient(urlA);
      const token = owner.sessionToken!;
      const ownerOnB = new HangarClient(urlB);
      ownerOnB.sessionToken = token;
      const idA = (await owner.replicas()).find((r) => r.relay_address === `${urlA}/`)!.id;

      // An agent on A; its workspace was built by B's daemon.
      const agentToken = randomUUID();
      const w = await workspaceWithAgent(pool, owner, 'pgdown', agentToken);
      assert.equal(w.latest_build.status, 'running');
      const agentId = w.latest_build.resources.flatMap((r) => r.agents)[0]!.id;
      const agent = spawn(process.execPath, [hangarBin, 'agent'], {
        env: {
          ...process.env,
          CODER_AGENT_URL: urlA,
          CODER_AGENT_TOKEN: agentToken,
          HOME: await mkdtemp(path.join(base, 'home-')),
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let agentLog = '';
      agent.stderr!.on('data', (d: Buffer) => (agentLog += d.toString()));
      cleanups.push(async () => agent.kill('SIGTERM'));
      await eventually('the agent on A', async () => {
        const row = await agentConnection(pool, agentId);
        return row.replica === idA && row.connected;
      });

      // A session through B, relayed to the agent on A, printing five lines a second.
      const session = sshThroughHangar(
        urlB,
        token,
        'pgdown',
        'for i in $(seq 1 1000); do echo "tick $i"; sleep 0.2; done',
      );
      cleanups.push(async () => session.child.kill('SIGTERM'));
      await eventually('the session to start', async () => ticks(session.stdout()) >= 3);
      const watcher = watch(owner, w.id);
      cleanups.push(async () => watcher.close());
      await eventually('the watcher on A', async () => watcher.events.length >= 1);

      // Load: more jobs than B's one daemon can run before the database goes away.
      const queued = [];
      for (let i = 0; i < 6; i++)
        queued.push(
          await owner.provisioners.postJob('default', {
            provisioner: 'echo',
            input: { stages: [{ stage: 'Load', logs: [`job ${i}`], sleep_ms: 300 }] },
          }),
        );

      await postgres.stop();
      const stoppedAt = Date.now();

      // Both replicas say they are unhealthy because of the database, to anyone (nobody can sign in).
      // (Generous bound: a request already waiting for a pool connection waits out its 10 s timeout.)
      for (const url of [urlA, urlB]) {
        const report = await eventually(
          `${url} to report the outage`,
          async () => {
            const r = await health(url, token);
            return r.status === 503 && r.body;
          },
          60_000,
        );
        assert.equal(report.healthy, false);
        assert.equal(report.severity, 'error');
        assert.equal(report.database.healthy, false);
        assert.equal(report.database.reachable, false);
        assert.match(report.database.error ?? '', /database is unreachable/);
        // Liveness is not readiness: an orchestrator must not restart replicas for this.
        assert.equal(await (await fetch(new URL('/healthz', url))).text(), 'OK');
      }
      const reportedMs = Date.now() - stoppedAt;
      // The relayed stream never touches the database: it keeps flowing through the outage.
      const before = ticks(session.stdout());
      await sleep(3_000);
      const during = ticks(session.stdout()) - before;
      assert.ok(during >= 8, `only ${during} lines in 3 s of outage`);
      assert.equal(session.child.exitCode, null, 'the session is still open');

      postgres = await BundledPostgres.start({ dir: pgDir, logger: nopLogger });
      const downMs = Date.now() - stoppedAt;
      const restartedAt = Date.now();
      // Healthy again once each replica's database ping works and its listener has resubscribed.
      for (const client of [owner, ownerOnB]) {
        await eventually(
          `${client.url.toString()} to be healthy`,
          async () => {
            const r = await health(client.url.toString(), token);
            return r.status === 200 && r.body.healthy;
          },
          30_000,
        );
      }
      const healthyMs = Date.now() - restartedAt;

      // Nothing posted before the outage was lost: every job ran.
      for (const job of queued)
        assert.equal((await waitForJob(owner, job.id, undefined, 60_000)).status, 'succeeded');

      // Pub/sub resubscribed across replicas: a job posted on A wakes B's idle daemon at once,
      // far sooner than its 10 s fallback poll.
      const posted = await owner.provisioners.postJob('default', {
        provisioner: 'echo',
        input: { stages: [{ stage: 'After', logs: ['back'] }] },
      });
      const ran = await waitForJob(owner, posted.id, undefined, 20_000);
      assert.equal(ran.status, 'succeeded');
      const wakeMs = Date.parse(ran.started_at!) - Date.parse(ran.created_at);
      assert.ok(wakeMs < 3_000, `the daemon took ${wakeMs} ms to pick the job up`);

      // The session outlived it all (until the stop below ends the agent's build).
      const after = ticks(session.stdout());
      await sleep(1_000);
      assert.ok(ticks(session.stdout()) > after, 'the session still flows after the outage');
      assert.equal(session.child.exitCode, null);

      // Workspace events flow again: a stop made through B reaches the watcher on A.
      await ownerOnB.workspaces.createBuild(w.id, { transition: 'stop' });
      await eventually(
        'the watcher on A to see the stop',
        async () => watcher.events.some((e) => e.latest_build.transition === 'stop'),
        10_000,
      );

      console.log(
        `PostgreSQL down ${downMs} ms, reported by both replicas after ${reportedMs} ms; replicas healthy ${healthyMs} ms after it returned; ` +
          `${during} lines through the relayed session during 3 s of outage; job wake-up after recovery ${wakeMs} ms`,
      );
      if (!agentLog.includes('connected')) console.error(`agent log:\n${agentLog}`);
    } finally {
      for (const fn of cleanups.reverse()) await fn().catch(() => {});
      await postgres.stop();
      await rm(base, { recursive: true, force: true });
    }
  },
);
