// Several coderd replicas in this process on one real PostgreSQL: membership and heartbeats, the
// owner-only replica list, the relay's authentication, and what must work whichever replica a
// client, a daemon or an agent is on (streams, job wake-ups, log follow, workspace events, reaping).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { hostname } from 'node:os';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { HangarClient } from '../sdk/hangar-client.js';
import { SessionTokenHeader } from '../sdk/headers.js';
import type { ProvisionerJobLog } from '../sdk/provisioner-jobs.js';
import { dialRawUpgrade, TunnelError } from '../sdk/tunnel/index.js';
import { hangarVersion } from '../sdk/version.js';
import type {
  WorkspaceAgentListeningPortsResponse,
  WorkspaceAgentMetadata,
} from '../sdk/workspace-agents.js';
import type { Workspace, WorkspaceAgent } from '../sdk/workspaces.js';
import { reaperLockId } from '../database/queries/provisioner-jobs.js';
import { startAgent } from '../../test/support/agent.js';
import { createAgentWorkspace } from '../../test/support/agent-workspace.js';
import { startEchoApp, type EchoSeen } from '../../test/support/echo-app.js';
import { httpRequest } from '../../test/support/http-request.js';
import { readEvents } from '../../test/support/sse.js';
import { openTerminal, ptyUrl } from '../../test/support/web-terminal.js';
import { expectError } from '../../test/support/coderd.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/postgres.js';
import {
  ownerClient,
  startReplica,
  waitForJob,
  type ProvisionerReplica,
} from '../../test/support/provisioner.js';
import { freePort } from '../../test/support/tcp-balancer.js';
import { agentConnection, workspaceWithAgent } from '../../test/support/agent-rows.js';
import { pollUntil } from '../../test/support/wait.js';
import { RelayAuth, relayAuthHeader, relayKeySiteConfig } from './replica-relay-auth.js';
import { parseRelayUrl } from './start-server.js';

const fast = { intervalMs: 200, peerTimeoutMs: 1_500 };
/** Subdomain apps (and so port apps) on both replicas. */
const apps = { wildcardAccessUrl: '*.apps.localhost' };

let db: TestDatabase;
/** No built-in daemons: whatever runs a job ran on B. */
let a: ProvisionerReplica;
let b: ProvisionerReplica;
let owner: HangarClient;
let ownerOnB: HangarClient;

before(async () => {
  db = await createTestDatabase();
  a = await startReplica(db.url, 0, {}, apps, fast);
  b = await startReplica(db.url, 1, {}, apps, fast);
  owner = await ownerClient(a.url);
  ownerOnB = new HangarClient(b.url, owner.sessionToken);
});
after(async () => {
  await a.close();
  await b.close();
  await db.dispose();
});

const eventually = <T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 10_000) =>
  pollUntil(what, fn, { ms, intervalMs: 50 });

const idOf = (r: ProvisionerReplica) => r.server.coderd.replicas.id;

test('replicas register and list each other for owners only; a clean stop is seen at once', async () => {
  const list = await owner.replicas();
  assert.deepEqual(list.map((r) => r.id).sort(), [idOf(a), idOf(b)].sort());
  for (const r of list) {
    assert.equal(r.hostname, hostname());
    assert.equal(r.version, hangarVersion);
    assert.equal(r.error, '');
    assert.ok(r.database_latency > 0, 'the database latency is measured');
  }
  assert.equal(list.find((r) => r.id === idOf(b))?.relay_address, b.url);
  const member = { username: 'member', email: 'member@example.com', password: 'Member-Passw0rd!x' };
  await owner.users.create(member);
  const asMember = new HangarClient(a.url);
  asMember.sessionToken = (
    await asMember.users.login({ email: member.email, password: member.password })
  ).session_token;
  await expectError('not_found', () => asMember.replicas());

  // A third replica is announced to the others at once, and its clean stop too.
  const c = await startReplica(db.url, 0, {}, {}, { ...fast, intervalMs: 60_000 });
  await eventually('A to see C', () => a.server.coderd.replicas.peers().some((p) => p.id === idOf(c)));
  await c.close();
  await eventually('A to forget C', () => !a.server.coderd.replicas.peers().some((p) => p.id === idOf(c)));
  assert.ok(!(await owner.replicas()).some((r) => r.id === idOf(c)));
  const row = await db.pool.query('SELECT stopped_at FROM replicas WHERE id = $1', [idOf(c)]);
  assert.ok(row.rows[0].stopped_at, 'a clean stop is recorded');
});

test('a silent peer counts as dead after the timeout; a peer at a wrong relay address is reported', async () => {
  const sync = a.server.coderd.replicas;
  const insert = (id: string, relay: string) =>
    db.pool.query(
      `INSERT INTO replicas (id, started_at, updated_at, hostname, relay_address, database_latency, version)
       VALUES ($1, now(), now(), 'ghost', $2, 1, 'v0')`,
      [id, relay],
    );
  // One that points at the load-balanced URL would answer as some other replica: here, A itself.
  const misdirected = randomUUID();
  await insert(misdirected, a.url);
  const port = await freePort();
  const gone = randomUUID();
  await insert(gone, `http://127.0.0.1:${port}`);
  await sync.heartbeat(); // sees them
  await sync.heartbeat(); // probes them
  const self = (await owner.replicas()).find((r) => r.id === sync.id)!;
  assert.match(self.error, /^Failed to dial peers: /);
  assert.match(
    self.error,
    new RegExp(`answered as replica ${sync.id}; is its --relay-url the load-balanced`),
  );
  assert.match(self.error, new RegExp(`ghost \\(http://127\\.0\\.0\\.1:${port}/?\\)`));
  const sick = await owner.health();
  assert.equal(sick.healthy, false);
  assert.equal(sick.severity, 'warning', 'the database itself is fine');
  assert.equal(sick.replicas.replicas[0]?.id, sync.id, 'the answering replica first');
  assert.match(sick.replicas.replicas[0]?.error ?? '', /Failed to dial peers/);

  // Neither ever heartbeats: after the timeout they are dead, and the error clears.
  await new Promise((r) => setTimeout(r, fast.peerTimeoutMs + 100));
  await sync.heartbeat();
  await sync.heartbeat();
  assert.ok(!sync.peers().some((p) => p.id === gone || p.id === misdirected));
  assert.equal((await owner.replicas()).find((r) => r.id === sync.id)?.error, '');
  // B heartbeats on its own timer and clears its error too.
  const well = await eventually('healthy again', async () => {
    const h = await owner.health();
    return h.healthy ? h : undefined;
  });
  assert.deepEqual(well.replicas.replicas.map((r) => r.id).sort(), [idOf(a), idOf(b)].sort());
});

test('the relay endpoint answers only requests signed with the deployment key, each once', async () => {
  const url = new URL('/api/v2/replicas/relay', a.url);
  assert.equal((await fetch(url)).status, 401);
  const foreign = new RelayAuth('00'.repeat(32), randomUUID());
  assert.equal((await fetch(url, { headers: foreign.sign(url.pathname) })).status, 401);
  const key = (await db.pool.query('SELECT value FROM site_configs WHERE key = $1', [relayKeySiteConfig]))
    .rows[0].value as string;
  const headers = new RelayAuth(key, idOf(b)).sign(url.pathname);
  const ok = await fetch(url, { headers });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { replica_id: idOf(a) });
  assert.equal((await fetch(url, { headers })).status, 401, 'a replayed header is refused');
  // A user's session is no substitute.
  const asUser = await fetch(url, { headers: { [SessionTokenHeader]: owner.sessionToken! } });
  assert.equal(asUser.status, 401);
  assert.ok(!headers[relayAuthHeader]!.includes(key), 'the key itself never travels');
});

const agentOf = (w: Workspace): WorkspaceAgent => w.latest_build.resources.flatMap((r) => r.agents)[0]!;

function tunnel(client: HangarClient, agentId: string, target: string) {
  return dialRawUpgrade(client.apiUrl(`/workspaceagents/${agentId}/tunnel`, { target }), {
    headers: { [SessionTokenHeader]: client.sessionToken! },
  });
}

/** Reads A's live workspace stream (server-sent events) until a state satisfies `done`. */
async function watchUntil(id: string, done: (w: Workspace) => boolean): Promise<void> {
  await readEvents<Workspace>(owner.workspaces.watchUrl(id), owner.sessionToken!, (events) =>
    events.some(done),
  );
}

/** Sends `text`, half-closes, and returns all that comes back before the peer's end. */
async function roundTrip(socket: net.Socket, text: string): Promise<string> {
  let got = '';
  socket.on('data', (d: Buffer) => (got += d.toString()));
  socket.end(text);
  await once(socket, 'end');
  return got;
}

test('a client on replica A reaches an agent attached to replica B through the relay', async () => {
  const token = randomUUID();
  const w = await workspaceWithAgent(db.pool, owner, 'relayed', token);
  assert.equal(w.latest_build.status, 'running');
  const echo = net.createServer({ allowHalfOpen: true }, (s) => s.pipe(s));
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  const echoPort = (echo.address() as net.AddressInfo).port;
  // A watcher on A sees the agent connect on B (the event crosses replicas through pub/sub).
  const watched = watchUntil(w.id, (x) => agentOf(x).status === 'connected');
  const agent = await startAgent(b.url, token);
  try {
    await watched;
    // The row names B's replica, and A holds no tunnel of its own.
    const agentId = agentOf(w).id;
    assert.equal((await agentConnection(db.pool, agentId)).replica, idOf(b));
    assert.equal(a.server.coderd.agentConnections.attachedHere(agentId), false);

    assert.equal(
      await roundTrip(await tunnel(owner, agentId, `tcp:127.0.0.1:${echoPort}`), 'hello'),
      'hello',
    );
    // Several at once, each its own relay connection.
    const many = await Promise.all(
      [...Array(8).keys()].map(async (i) =>
        roundTrip(await tunnel(owner, agentId, `tcp:127.0.0.1:${echoPort}`), `stream ${i}`),
      ),
    );
    assert.deepEqual(
      many,
      [...Array(8).keys()].map((i) => `stream ${i}`),
    );

    // The agent's reason for a refused dial comes back through both replicas.
    echo.close();
    const refused = await tunnel(owner, agentId, `tcp:127.0.0.1:${echoPort}`).then(
      () => assert.fail('the stream opened'),
      (err: TunnelError) => err,
    );
    assert.ok(refused instanceof TunnelError);
    assert.equal(refused.refusal?.status, 502);
    assert.equal(refused.refusal?.body.message, 'The workspace agent could not open the stream.');
    assert.match(refused.refusal?.body.detail ?? '', /connection refused on 127\.0\.0\.1/);
  } finally {
    await agent.close();
    echo.close();
  }
  const gone = await tunnel(owner, agentOf(w).id, 'ssh').then(
    () => assert.fail('the stream opened'),
    (err: TunnelError) => err,
  );
  assert.equal(gone.refusal?.status, 503);
  assert.match(gone.refusal?.body.message ?? '', /The agent "main" of workspace "relayed" is not connected/);
});

test('the web terminal, apps, listening ports, metadata and lifecycle of an agent on B all work from A', async () => {
  const ownerId = (await owner.users.get('me')).id;
  await using app = await startEchoApp();
  const ws = await createAgentWorkspace(
    { db },
    {
      ownerId,
      name: 'relay-apps',
      apps: [{ slug: 'echo', url: app.url }],
    },
  );
  await db.pool.query(
    `INSERT INTO workspace_agent_metadata (workspace_agent_id, key, display_name, script, interval_seconds, timeout_seconds)
     VALUES ($1, 'answer', 'Answer', 'echo reported-on-b-$((6*7))', 1, 5)`,
    [ws.agentId],
  );
  // A listener in the workspace that is no app, for listening-ports: another process, since the
  // agent (here in the test's process) leaves out its own sockets.
  const other = spawn(
    process.execPath,
    [
      '-e',
      "require('net').createServer().listen(0, '127.0.0.1', function () { console.log(this.address().port) })",
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const otherPort = Number(String((await once(other.stdout!, 'data'))[0]).trim());
  // A watcher on A, from before the agent starts: its lifecycle, reported to B, reaches it.
  const lifecycle = readEvents<Workspace>(
    owner.workspaces.watchUrl(ws.workspaceId),
    owner.sessionToken!,
    (ev) => ev.some((w) => agentOf(w).lifecycle_state === 'ready'),
  );
  await using agent = await startAgent(b.url, ws.token, {
    scriptTimings: { killGraceMs: 500, pipeWaitMs: 1_000, metadataReportIntervalMs: 250 },
  });
  try {
    await eventually('the agent on B', async () => {
      const row = await agentConnection(db.pool, ws.agentId);
      return row.replica === idOf(b) && row.connected;
    });
    assert.equal(a.server.coderd.agentConnections.attachedHere(ws.agentId), false);
    const states = (await lifecycle).map((w) => agentOf(w).lifecycle_state);
    assert.equal(states[0], 'created', `states seen on A: ${states.join(', ')}`);
    const token = owner.sessionToken!;
    const auth = { [SessionTokenHeader]: token };

    // The web terminal, through A.
    const t = await openTerminal(ptyUrl(a.url, ws.agentId, randomUUID()), auth);
    t.type('echo through-a-$((6*7))\r');
    await t.waitFor(/through-a-42/);
    await t.close();

    // A path app and a port app (the app's port as a dev URL), over HTTP, then a WebSocket.
    const path = JSON.parse(
      (await httpRequest(`${a.url}@owner/relay-apps/apps/echo/hello?x=1`, { headers: auth })).text,
    ) as EchoSeen;
    assert.equal(path.url, '/hello?x=1');
    const portUrl = `http://${app.port}--main--relay-apps--owner.apps.localhost:${new URL(a.url).port}`;
    for (const i of [1, 2, 3]) {
      const viaPort = await httpRequest(`${portUrl}/port/${i}`, { headers: auth });
      assert.equal(viaPort.status, 200, viaPort.text);
      assert.equal((JSON.parse(viaPort.text) as EchoSeen).url, `/port/${i}`);
    }
    // The app closes idle keep-alive connections after 5 s (node's default): the pool must not
    // hand out the relayed connection it closed.
    await new Promise((r) => setTimeout(r, 5_500));
    const afterIdle = await httpRequest(`${portUrl}/after-idle`, { headers: auth });
    assert.equal(afterIdle.status, 200, afterIdle.text);
    const sock = new WebSocket(`${a.url.replace('http:', 'ws:')}@owner/relay-apps/apps/echo/ws`, {
      headers: auth,
    });
    const messages: string[] = [];
    sock.on('message', (d: Buffer) => messages.push(d.toString()));
    await once(sock, 'open');
    sock.send('relayed ping');
    await eventually('the echo', () => messages.length >= 2);
    assert.equal(messages[1], 'relayed ping');
    sock.close();

    // Listening ports: the agent's answer crosses both replicas; the app's own port is left out.
    const ports = await owner.request<WorkspaceAgentListeningPortsResponse>(
      'GET',
      `/workspaceagents/${ws.agentId}/listening-ports`,
    );
    assert.ok(
      ports.ports.some((p) => p.port === otherPort),
      `port ${otherPort} in ${JSON.stringify(ports)}`,
    );
    assert.ok(!ports.ports.some((p) => p.port === app.port));

    // Metadata the agent reports to B reaches a watcher on A.
    const events = await readEvents<WorkspaceAgentMetadata[]>(
      owner.agents.watchMetadataUrl(ws.agentId),
      token,
      (ev) => ev.some((e) => e[0]?.result.value === 'reported-on-b-42\n'),
    );
    assert.equal(events.at(-1)![0]!.description.key, 'answer');

    // Once the agent is gone from every replica, the app says so instead of a proxy error.
    await agent.close();
    await eventually(
      'the agent to disconnect',
      async () => !(await agentConnection(db.pool, ws.agentId)).connected,
    );
    const gone = await httpRequest(`${a.url}@owner/relay-apps/apps/echo/`, { headers: auth });
    assert.equal(gone.status, 502);
    assert.match(gone.text, /Application Unavailable/);
  } finally {
    other.kill();
  }
});

test('an agent that moved to another replica is neither marked disconnected nor pulled back by the old one', async () => {
  const token = randomUUID();
  const w = await workspaceWithAgent(db.pool, owner, 'mover', token);
  const agentId = agentOf(w).id;
  const rpc = (r: ProvisionerReplica) => {
    const ws = new WebSocket(new HangarClient(r.url).websocketUrl('/workspaceagents/me/rpc'), {
      headers: { [SessionTokenHeader]: token },
    });
    ws.on('error', () => {});
    return ws;
  };
  const onB = rpc(b);
  await once(onB, 'open');
  await eventually('on B', async () => (await agentConnection(db.pool, agentId)).replica === idOf(b));
  const onA = rpc(a);
  await once(onA, 'open');
  await eventually('on A', async () => (await agentConnection(db.pool, agentId)).replica === idOf(a));
  // B's socket ends late (as after a network partition heals): the agent stays connected, on A.
  onB.close();
  await once(onB, 'close');
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(await agentConnection(db.pool, agentId), { replica: idOf(a), connected: true });
  assert.equal(agentOf(await ownerOnB.workspaces.get(w.id)).status, 'connected');
  onA.close();
  await eventually(
    'disconnected',
    async () => agentOf(await owner.workspaces.get(w.id)).status === 'disconnected',
  );
});

test('a job posted on A wakes a daemon on B at once, and its logs follow live on A', async () => {
  const started = Date.now();
  const stages = [...Array(5).keys()].map((i) => ({ stage: `S${i}`, logs: [`line ${i}`], sleep_ms: 100 }));
  const job = await owner.provisioners.postJob('default', { provisioner: 'echo', input: { stages } });
  const lines = await new Promise<ProvisionerJobLog[]>((resolve, reject) => {
    const got: ProvisionerJobLog[] = [];
    const ws = new WebSocket(owner.provisioners.followLogsUrl(job.id, 0), {
      headers: { [SessionTokenHeader]: owner.sessionToken! },
    });
    ws.on('message', (m) => got.push(JSON.parse(m.toString()) as ProvisionerJobLog));
    ws.on('close', () => resolve(got));
    ws.on('error', reject);
  });
  assert.deepEqual(
    lines.filter((l) => l.log_source === 'provisioner').map((l) => l.output),
    [...Array(5).keys()].map((i) => `line ${i}`),
  );
  const done = await waitForJob(owner, job.id);
  assert.equal(done.status, 'succeeded');
  // Woken by pub/sub, not by a poll: the whole job took about its 500 ms of sleeps.
  assert.ok(Date.now() - started < 3_000, `took ${Date.now() - started} ms`);
});

test('the hung-job reaper runs on one replica at a time', async () => {
  const q = (sql: string, p: unknown[] = []) => db.pool.query(sql, p);
  const orgId = (await owner.organizations())[0]!.id;
  const ownerId = (await owner.users.get('me')).id;
  const ids = [...Array(6).keys()].map(() => randomUUID());
  for (const id of ids)
    await q(
      `INSERT INTO provisioner_jobs (id, organization_id, initiator_id, provisioner, type, input, started_at, updated_at)
       VALUES ($1, $2, $3, 'echo', 'workspace_build', '{}', now() - interval '1 hour', now() - interval '1 hour')`,
      [id, orgId, ownerId],
    );
  // While another replica holds the lock, neither reaps.
  const holder = await db.pool.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock($1)', [reaperLockId]);
    assert.deepEqual(await a.server.coderd.jobReaper.reapOnce(), []);
    assert.deepEqual(await b.server.coderd.jobReaper.reapOnce(), []);
  } finally {
    await holder.query('ROLLBACK');
    holder.release();
  }
  // Both at once: every job is failed by exactly one of them, with one explanatory line.
  await Promise.all([a, b, a, b].map((r) => r.server.coderd.jobReaper.reapOnce()));
  const r = await q(
    `SELECT j.job_status, j.error_code, (SELECT count(*)::int FROM provisioner_job_logs l WHERE l.job_id = j.id) AS lines
       FROM provisioner_jobs j WHERE j.id = ANY($1)`,
    [ids],
  );
  assert.equal(r.rows.length, ids.length);
  for (const row of r.rows) assert.deepEqual(row, { job_status: 'failed', error_code: 'HUNG_JOB', lines: 1 });
});

test('--relay-url must be an http(s) URL; the error names the flag', () => {
  assert.equal(parseRelayUrl('http://10.0.0.7:3000').host, '10.0.0.7:3000');
  for (const bad of ['10.0.0.7:3000', 'not a url', 'ftp://x'])
    assert.throws(
      () => parseRelayUrl(bad),
      (e: { validations: { field: string }[] }) => e.validations[0]?.field === 'relay-url',
      bad,
    );
});
