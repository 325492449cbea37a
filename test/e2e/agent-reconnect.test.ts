// Issue 6, liveness end to end with real processes: a `hangar server` on PostgreSQL, a `hangar
// agent` process, and OpenSSH through `ProxyCommand hangar ssh --stdio`. coderd is killed with
// SIGKILL and started again on the same address and database: the agent reconnects by itself and
// ssh works again. The agent is killed (the socket closes) or frozen (the socket stays open but
// silent): its status turns `disconnected` within Coder's timings, shortened here with the hidden
// --agent-inactive-disconnect-timeout, and `connected` once it is back; the workspace watch
// stream publishes each change.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HangarClient } from '../../src/sdk/hangar-client.js';
import type { Workspace, WorkspaceAgent } from '../../src/sdk/workspaces.js';
import { workspaceWithAgent } from '../support/agent-rows.js';
import { eventually, sshThroughCoderd } from '../support/agent-workspace.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { ownerClient } from '../support/provisioner.js';
import { hangarBin, startTestServer, type TestServer } from '../support/server.js';
import { freePort } from '../support/tcp.js';
import { watchWorkspace } from '../support/workspace-watch.js';

/** Shortened from Coder's 30 s so the test is quick; pings go out every half of it. */
const inactiveTimeoutMs = 4_000;

describe('agent liveness: coderd restarts, the agent dies or freezes', { timeout: 240_000 }, () => {
  let db: TestDatabase;
  let port: number;
  let server: TestServer;
  let owner: HangarClient;
  let workspace: Workspace;
  let agentId: string;
  const token = randomUUID();
  let home: string;
  let agent: { child: ChildProcess; log: () => string; exited: Promise<void> };

  const startServer = () =>
    startTestServer({
      postgresUrl: db.url,
      extraArgs: [
        ...['--http-address', `127.0.0.1:${port}`, '--provisioner-daemons', '1'],
        ...['--agent-inactive-disconnect-timeout', `${inactiveTimeoutMs / 1000}s`],
      ],
    });

  function startAgent() {
    const child = spawn(process.execPath, [hangarBin, 'agent'], {
      env: { ...process.env, CODER_AGENT_URL: server.url, CODER_AGENT_TOKEN: token, HOME: home },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return { child, log: () => log, exited };
  }

  const agentRow = () => owner.request<WorkspaceAgent>('GET', `/workspaceagents/${agentId}`);
  const statusIs = (status: string) => async () =>
    (await agentRow().catch(() => undefined))?.status === status;
  const agentStatusIn = (w: Workspace) => w.latest_build.resources.flatMap((r) => r.agents)[0]?.status;
  const ssh = (command: string) =>
    sshThroughCoderd({
      coderdUrl: server.url,
      sessionToken: owner.sessionToken!,
      workspace: `owner/${workspace.name}`,
      command,
    });

  before(async () => {
    db = await createTestDatabase();
    port = await freePort();
    server = await startServer();
    owner = await ownerClient(server.url);
    workspace = await workspaceWithAgent(db.pool, owner, 'live', token);
    agentId = workspace.latest_build.resources.flatMap((r) => r.agents)[0]!.id;
    home = await mkdtemp(path.join(tmpdir(), 'hangar-agent-home-'));
    agent = startAgent();
    await eventually('the agent to connect', statusIs('connected'), 30_000);
  });
  after(async () => {
    agent?.child.kill('SIGKILL');
    await server?.stop();
    await db?.dispose();
  });

  it('kill -9 of coderd, restarted on the same address and database: the agent reconnects and ssh works again', async (t) => {
    const before = await agentRow();
    assert.equal((await ssh('echo before')).stdout, 'before\n');

    const killedAt = Date.now();
    process.kill(server.pid, 'SIGKILL');
    await server.stop(); // reaps the process; the database stays (it is ours)
    server = await startServer();
    const upAt = Date.now();
    owner = await ownerClient(server.url);
    // The old process never wrote a disconnect; the new one sees the agent attach again.
    await eventually(
      'the agent to reconnect',
      async () => {
        const a = await agentRow();
        return a.status === 'connected' && Date.parse(a.last_connected_at!) > killedAt;
      },
      30_000,
    );
    const connectedAt = Date.now();
    const r = await ssh('echo "after on $CODER_WORKSPACE_AGENT_NAME"');
    assert.equal(r.stdout, 'after on main\n', `${r.stderr}\nagent log:\n${agent.log()}`);
    assert.equal(r.code, 0);
    const sshAt = Date.now();

    const after = await agentRow();
    assert.equal(after.first_connected_at, before.first_connected_at, 'first_connected_at is kept');
    assert.ok(Date.parse(after.last_connected_at!) > Date.parse(before.last_connected_at!));
    assert.match(agent.log(), /cannot reach coderd; retrying/, 'the agent retried while coderd was down');
    t.diagnostic(
      `coderd restart took ${upAt - killedAt} ms; the agent was connected ${connectedAt - upAt} ms after ` +
        `the new coderd was up (${connectedAt - killedAt} ms after the kill); ssh worked ${sshAt - killedAt} ms after the kill`,
    );
  });

  it('kill -9 of the agent: disconnected (and published) within the timeout; connected again when it returns', async (t) => {
    const watch = await watchWorkspace(owner, workspace.id);
    try {
      await watch.waitFor('the agent connected', (w) => agentStatusIn(w) === 'connected');
      const killedAt = Date.now();
      agent.child.kill('SIGKILL');
      await agent.exited;
      const seenAt = await watch.waitFor(
        'disconnected',
        (w) => agentStatusIn(w) === 'disconnected',
        killedAt,
      );
      assert.ok(seenAt - killedAt <= inactiveTimeoutMs, `disconnected after ${seenAt - killedAt} ms`);
      const row = await agentRow();
      assert.equal(row.status, 'disconnected');
      assert.ok(row.disconnected_at && Date.parse(row.disconnected_at) >= killedAt - 1_000);
      assert.equal(row.health.healthy, false);

      const restartedAt = Date.now();
      agent = startAgent();
      const backAt = await watch.waitFor(
        'connected again',
        (w) => agentStatusIn(w) === 'connected',
        restartedAt,
      );
      assert.equal((await agentRow()).status, 'connected');
      t.diagnostic(
        `killed agent seen disconnected after ${seenAt - killedAt} ms; a new agent process connected after ${backAt - restartedAt} ms`,
      );
    } finally {
      watch.close();
    }
  });

  it('a frozen agent (SIGSTOP, socket open but silent) is disconnected within the inactive timeout; SIGCONT brings it back', async (t) => {
    const watch = await watchWorkspace(owner, workspace.id);
    try {
      await watch.waitFor('the agent connected', (w) => agentStatusIn(w) === 'connected');
      const frozenAt = Date.now();
      agent.child.kill('SIGSTOP');
      let seenAt: number;
      try {
        seenAt = await watch.waitFor(
          'disconnected',
          (w) => agentStatusIn(w) === 'disconnected',
          frozenAt,
          inactiveTimeoutMs + 5_000,
        );
      } finally {
        agent.child.kill('SIGCONT');
      }
      const took = seenAt - frozenAt;
      // Pings go out every half of the timeout: a missed one is seen between half and all of it.
      assert.ok(took >= inactiveTimeoutMs / 2 - 500, `disconnected already after ${took} ms`);
      assert.ok(took <= inactiveTimeoutMs + 2_000, `disconnected only after ${took} ms`);
      const thawedAt = Date.now();
      const backAt = await watch.waitFor(
        'connected again',
        (w) => agentStatusIn(w) === 'connected',
        thawedAt,
      );
      const r = await ssh('echo thawed');
      assert.equal(r.stdout, 'thawed\n', r.stderr);
      t.diagnostic(
        `frozen agent seen disconnected after ${took} ms (timeout ${inactiveTimeoutMs} ms); back ${backAt - thawedAt} ms after SIGCONT`,
      );
    } finally {
      watch.close();
    }
  });
});
