// Two real `hangar server` processes on one PostgreSQL behind a small TCP load balancer, a real
// agent process attached (through the balancer) to replica B, OpenSSH through `hangar ssh --stdio`
// on replica A reaching it over the cross-replica relay, and web terminals on B and (relayed) on A.
// Then B is killed with SIGKILL: the sessions through it end, the agent moves to A within seconds,
// a new ssh works and each web terminal reattaches (same id) with its earlier output; the job B's
// daemon was running is failed by A's reaper with a clear reason, and the queued one runs on
// another daemon.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HangarClient } from '../../src/sdk/hangar-client.js';
import { eventually, sshThroughHangar as ssh } from '../support/hangar-ssh.js';
import { SessionTokenHeader } from '../../src/sdk/headers.js';
import { createTestDatabase } from '../support/postgres.js';
import { ownerClient, spawnExternalDaemon, waitForJob } from '../support/provisioner.js';
import { hangarBin, startTestServer } from '../support/server.js';
import { freePort, startTcpBalancer } from '../support/tcp-balancer.js';
import { agentConnection, workspaceWithAgent } from '../support/agent-rows.js';
import { openTerminal, ptyUrl } from '../support/web-terminal.js';

test(
  'kill -9 of the replica holding an agent: its sessions end, the agent moves, ssh works again, no job is lost',
  { timeout: 240_000 },
  async () => {
    await using db = await createTestDatabase();
    const [portA, portB] = [await freePort(), await freePort()];
    const urlA = `http://127.0.0.1:${portA}`;
    const urlB = `http://127.0.0.1:${portB}`;
    // The balancer prefers B while it is up, so the agent lands there.
    await using lb = await startTcpBalancer([portB, portA]);
    const replica = (port: number, daemons: number) =>
      startTestServer({
        postgresUrl: db.url,
        extraArgs: [
          ...['--http-address', `127.0.0.1:${port}`, '--relay-url', `http://127.0.0.1:${port}`],
          ...['--access-url', lb.url, '--provisioner-daemons', String(daemons)],
          ...['--provisioner-hung-job-timeout', '3s'],
        ],
      });
    await using a = await replica(portA, 0);
    await using b = await replica(portB, 1);
    // Both announce the balancer as the access URL, as behind a production load balancer.
    assert.equal(a.url, `${lb.url}/`);
    assert.equal(b.url, `${lb.url}/`);
    const owner: HangarClient = await ownerClient(urlA);
    const token = owner.sessionToken!;
    const replicas = await owner.replicas();
    const idA = replicas.find((r) => r.relay_address === `${urlA}/`)?.id;
    const idB = replicas.find((r) => r.relay_address === `${urlB}/`)?.id;
    assert.ok(idA && idB, `both replicas listed: ${JSON.stringify(replicas)}`);

    // A workspace whose build ran on B's built-in daemon (A has none), with one agent.
    const agentToken = randomUUID();
    const w = await workspaceWithAgent(db.pool, owner, 'ha', agentToken);
    assert.equal(w.latest_build.status, 'running');
    const agentId = w.latest_build.resources.flatMap((r) => r.agents)[0]!.id;

    // The agent process dials the load-balanced URL, as an init script would.
    const agent = spawn(process.execPath, [hangarBin, 'agent'], {
      env: {
        ...process.env,
        CODER_AGENT_URL: lb.url,
        CODER_AGENT_TOKEN: agentToken,
        HOME: await mkdtemp(path.join(tmpdir(), 'hangar-agent-home-')),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let agentLog = '';
    agent.stderr!.on('data', (d: Buffer) => (agentLog += d.toString()));
    const daemons: ReturnType<typeof spawnExternalDaemon>[] = [];
    try {
      await eventually('the agent on B', async () => {
        const row = await agentConnection(db.pool, agentId);
        return row.replica === idB && row.connected;
      });

      // A client on A reaches the agent on B through the relay.
      const hello = await ssh(urlA, token, 'ha', 'echo "hello from $CODER_WORKSPACE_AGENT_NAME"').done;
      assert.equal(hello.stdout, 'hello from main\n', hello.stderr);
      assert.equal(hello.code, 0);
      const longSession = ssh(urlA, token, 'ha', 'echo started; sleep 120');
      await eventually('the long session', async () => longSession.stdout().includes('started'));
      // A web terminal on B itself, as a browser the balancer sent there, and one on A relayed to B.
      const auth = { [SessionTokenHeader]: token };
      const terminals = await Promise.all(
        [urlB, urlA].map(async (url, i) => {
          const id = randomUUID();
          const t = await openTerminal(ptyUrl(url, agentId, id), auth);
          t.type(`echo before-the-kill-$((${i}+42))\r`);
          await t.waitFor(new RegExp(`before-the-kill-${i + 42}`));
          return { id, t, marker: `before-the-kill-${i + 42}` };
        }),
      );

      // B's one daemon runs a long job; a second one waits in the queue behind it.
      const long = await owner.provisioners.postJob('default', {
        provisioner: 'echo',
        input: { stages: [{ stage: 'Long', logs: ['working'], sleep_ms: 600_000 }] },
      });
      await waitForJob(owner, long.id, (j) => j.status === 'running');
      const queued = await owner.provisioners.postJob('default', {
        provisioner: 'echo',
        input: { stages: [{ stage: 'Short', logs: ['done'] }] },
      });
      await sleep(500);
      assert.equal((await owner.provisioners.job('default', queued.id)).status, 'pending');

      const killedAt = Date.now();
      process.kill(b.pid, 'SIGKILL');

      // The session relayed through B ends; ssh reports the lost connection.
      const ended = await longSession.done;
      assert.notEqual(ended.code, 0);
      const sessionEndedMs = Date.now() - killedAt;
      // So do the web terminals' WebSockets.
      const closeCodes: number[] = [];
      for (const { t } of terminals) closeCodes.push(await t.closed);

      // The agent reconnects through the balancer, now to A, within 5 s.
      await eventually(
        'the agent on A',
        async () => {
          const row = await agentConnection(db.pool, agentId);
          return row.replica === idA && row.connected;
        },
        5_000,
      );
      const movedMs = Date.now() - killedAt;
      // The browsers reconnect through the balancer (now to A) with the same ids: the agent kept
      // the sessions, replays their output, and the same shells go on.
      for (const { id, marker } of terminals) {
        const again = await eventually('the terminal to reattach', () =>
          openTerminal(ptyUrl(lb.url, agentId, id), auth),
        );
        await again.waitFor(new RegExp(marker));
        again.type('echo after-the-kill-$((2*2))\r');
        await again.waitFor(/after-the-kill-4/);
        await again.close();
      }
      const terminalAgainMs = Date.now() - killedAt;

      const again = await ssh(urlA, token, 'ha', 'echo "back on $CODER_WORKSPACE_AGENT_NAME"').done;
      assert.equal(again.stdout, 'back on main\n', again.stderr);
      const sshAgainMs = Date.now() - killedAt;

      // B's running job is failed by A's reaper, saying why; the queued job runs on a daemon elsewhere.
      const failed = await waitForJob(owner, long.id, undefined, 20_000);
      assert.equal(failed.status, 'failed');
      assert.match(failed.error ?? '', /hung .* its provisioner daemon stopped sending updates/);
      assert.equal(failed.error_code, 'HUNG_JOB');
      const failedMs = Date.now() - killedAt;
      const { key } = await owner.provisioners.createKey('default', { name: 'rescue' });
      daemons.push(spawnExternalDaemon({ url: lb.url, key, name: 'rescue' }));
      assert.equal((await waitForJob(owner, queued.id, undefined, 30_000)).status, 'succeeded');

      // After three missed heartbeats A counts B as dead and stops listing it.
      await eventually('B to drop out of the list', async () =>
        (await owner.replicas()).every((r) => r.id !== idB),
      );
      const droppedMs = Date.now() - killedAt;
      assert.ok(
        droppedMs >= 10_000,
        `B was dropped after ${droppedMs} ms, before it could be silent for 15 s`,
      );
      console.log(
        `after kill -9: session ended ${sessionEndedMs} ms, agent on A ${movedMs} ms, ` +
          `terminals closed ${closeCodes.join('/')} and reattached ${terminalAgainMs} ms, ssh again ${sshAgainMs} ms, ` +
          `job failed ${failedMs} ms, B dropped ${droppedMs} ms; balancer ${JSON.stringify([...lb.counts])}`,
      );
    } catch (err) {
      console.error(`agent log:\n${agentLog}`);
      throw err;
    } finally {
      agent.kill('SIGTERM');
      for (const d of daemons) {
        d.child.kill('SIGTERM');
        await d.exited;
      }
    }
  },
);
