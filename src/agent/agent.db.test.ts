import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { nopLogger } from '../sdk/logger.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkspaceAgent } from '../sdk/workspaces.js';
import {
  coderdSsh,
  eventually,
  insertNextBuild,
  insertWorkspaceWithAgent,
  sshThroughCoderd,
  startAgent,
} from '../../test/support/agent-workspace.js';
import { runProcess } from '../../test/support/agent-ssh.js';
import { freePort, listen } from '../../test/support/tcp.js';
import { startTcpBalancer } from '../../test/support/tcp-balancer.js';
import { startTerminal } from '../../test/support/terminal.js';
import { startTestCoderd, type TestCoderd } from '../../test/support/coderd.js';
import { Agent, expandDirectory } from './agent.js';

let coderd: TestCoderd;
let ownerId: string;

before(async () => {
  coderd = await startTestCoderd();
  ownerId = (await (await coderd.owner()).users.get('me')).id;
});
after(() => coderd.close());

const workspaceWithAgent = () => insertWorkspaceWithAgent(coderd.db.pool, ownerId);

async function agentState(agentId: string): Promise<WorkspaceAgent> {
  const owner = await coderd.owner();
  return owner.request('GET', `/workspaceagents/${agentId}`);
}

test('an agent fetches its manifest, reports ready, shows connected, and off/disconnected after close', async () => {
  const { token, agentId, workspaceId } = await workspaceWithAgent();
  const agent = new Agent({ url: new URL(coderd.url), token, logger: nopLogger });
  agent.start();
  const manifest = await agent.ready();
  assert.equal(manifest.agent_id, agentId);
  assert.equal(manifest.workspace_id, workspaceId);
  assert.deepEqual(manifest.environment_variables, { FOO: 'bar' });
  // The lifecycle is reported beside the connection, so either may come first.
  await eventually('connected and ready', async () => {
    const a = await agentState(agentId);
    return a.status === 'connected' && a.lifecycle_state === 'ready';
  });
  const connected = await agentState(agentId);
  assert.equal(connected.expanded_directory, expandDirectory('~/src'));
  assert.ok(connected.version);
  await agent.close();
  await eventually('disconnected', async () => (await agentState(agentId)).status === 'disconnected');
  assert.equal((await agentState(agentId)).lifecycle_state, 'off');
});

test('an agent started before its build is recorded keeps retrying and connects once it is', async () => {
  const token = randomUUID();
  const agent = new Agent({ url: new URL(coderd.url), token, logger: nopLogger, maxBackoffMs: 200 });
  agent.start();
  await sleep(500);
  const { agentId } = await workspaceWithAgent();
  await coderd.db.pool.query(
    `UPDATE workspace_agents SET auth_token_hash = sha256(convert_to($1, 'UTF8')) WHERE id = $2`,
    [token, agentId],
  );
  assert.equal((await agent.ready()).agent_id, agentId);
  await agent.close();
});

test('a coderd that goes silent without closing TCP (power loss) is left: the agent dials again', async () => {
  // coderd pings every second here; the agent gives up after 3 s of silence, and on an API call
  // (its keep-alive connections are frozen too) after 2 s.
  await using silent = await startTestCoderd({ agentInactiveDisconnectTimeoutMs: 2_000 });
  await using balancer = await startTcpBalancer([Number(new URL(silent.url).port)]);
  const owner = await silent.owner();
  const { token, agentId } = await insertWorkspaceWithAgent(silent.db.pool, (await owner.users.get('me')).id);
  const agent = new Agent({
    url: new URL(balancer.url),
    token,
    logger: nopLogger,
    controlSilenceMs: 3_000,
    apiTimeoutMs: 2_000,
    maxBackoffMs: 500,
  });
  agent.start();
  try {
    const status = async () =>
      (await owner.request<WorkspaceAgent>('GET', `/workspaceagents/${agentId}`)).status;
    await eventually('connected through the balancer', async () => (await status()) === 'connected');
    balancer.freeze();
    // coderd stops hearing pongs and drops its side; the agent hears no pings and drops its own.
    await eventually('coderd to see the agent gone', async () => (await status()) === 'disconnected', 10_000);
    const gone = Date.now();
    await eventually('the agent to dial again', async () => (await status()) === 'connected', 15_000);
    assert.ok(Date.now() - gone < 10_000, `reconnected ${Date.now() - gone} ms after coderd saw it gone`);
  } finally {
    await agent.close();
  }
});

test('agent routes refuse missing and unknown tokens with 401', async () => {
  const cases: Record<string, string>[] = [
    {},
    { 'Coder-Session-Token': 'not-a-uuid' },
    { 'Coder-Session-Token': randomUUID() },
  ];
  for (const headers of cases) {
    const res = await fetch(new URL('/api/v2/workspaceagents/me/manifest', coderd.url), { headers });
    assert.equal(res.status, 401);
    assert.match(((await res.json()) as { message: string }).message, /agent token/);
  }
});

test('init script and agent bundle are served, and the checksum matches the bytes', async () => {
  const script = await fetch(new URL('/api/v2/init-script/linux/amd64', coderd.url));
  assert.equal(script.status, 200);
  assert.match(await script.text(), new RegExp(`ACCESS_URL='${coderd.url.replace(/\//g, '\\/')}'`));
  assert.equal((await fetch(new URL('/api/v2/init-script/windows/amd64', coderd.url))).status, 404);
  const bundle = Buffer.from(await (await fetch(new URL('/bin/hangar-agent.mjs', coderd.url))).arrayBuffer());
  const sum = await (await fetch(new URL('/bin/hangar-agent.mjs.sha256', coderd.url))).text();
  assert.equal(sum, `${createHash('sha256').update(bundle).digest('hex')}  hangar-agent.mjs\n`);
  assert.equal((await fetch(new URL('/bin/..%2Fpackage.json', coderd.url))).status, 404);
});

test('a newer build that keeps the agent process takes it over: the agent reconnects as the new row', async () => {
  const { token, agentId, workspaceId } = await workspaceWithAgent();
  const agent = new Agent({ url: new URL(coderd.url), token, logger: nopLogger, maxBackoffMs: 200 });
  agent.start();
  await agent.ready();
  await eventually('connected', async () => (await agentState(agentId)).status === 'connected');
  // Build 2 of the same workspace, whose agent keeps the token (Terraform did not replace it).
  const q = (sql: string, params: unknown[]) => coderd.db.pool.query(sql, params);
  const jobId = await insertNextBuild(coderd, workspaceId, 'start');
  const [resourceId, newAgentId] = [randomUUID(), randomUUID()];
  await q(
    `INSERT INTO workspace_resources (id, job_id, transition, type, name) VALUES ($1, $2, 'start', 't', 'r')`,
    [resourceId, jobId],
  );
  await q(
    `INSERT INTO workspace_agents (id, resource_id, name, auth_token_hash)
     VALUES ($1, $2, 'main', sha256(convert_to($3, 'UTF8')))`,
    [newAgentId, resourceId, token],
  );
  await coderd.server.coderd.pubsub.publish(`workspace:${workspaceId}`, '{}');
  await eventually('the new row connected and ready', async () => {
    const a = await agentState(newAgentId);
    return a.status === 'connected' && a.lifecycle_state === 'ready';
  });
  await agent.close();
});

test('OpenSSH reaches the agent through coderd: ProxyCommand `hangar ssh --stdio`, exit status and stdin kept', async () => {
  const { token, agentId, workspaceName } = await workspaceWithAgent();
  const agent = new Agent({
    url: new URL(coderd.url),
    token,
    logger: nopLogger,
    stateDir: await mkdtemp(path.join(tmpdir(), 'hangar-agent-state-')),
  });
  agent.start();
  await agent.ready();
  await eventually('connected', async () => (await agentState(agentId)).status === 'connected');
  const owner = await coderd.owner();
  const r = await sshThroughCoderd({
    coderdUrl: coderd.url,
    sessionToken: owner.sessionToken ?? '',
    workspace: `owner/${workspaceName}`,
    command: 'echo "$CODER_WORKSPACE_AGENT_NAME"; cat; exit 3',
    stdin: 'from stdin\n',
  });
  assert.equal(r.stdout, 'main\nfrom stdin\n', r.stderr);
  assert.equal(r.code, 3);
  await agent.close();
});

test('real OpenSSH clients through coderd: an interactive PTY under `script`, scp both ways, ssh -L with curl', async () => {
  const ws = await workspaceWithAgent();
  await using _agent = await startAgent(coderd, ws);
  const owner = await coderd.owner();
  const { options, host, env } = coderdSsh({
    coderdUrl: coderd.url,
    sessionToken: owner.sessionToken ?? '',
    workspace: `owner/${ws.workspaceName}`,
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'hangar-ssh-clients-'));
  try {
    // A user at a terminal: typed lines are echoed and run, the window size and exit status carry.
    const term = startTerminal(['ssh', ...options, '-tt', host], { rows: 31, cols: 97 }, env);
    try {
      term.type('tty; echo "answer-$((6*7))"\r');
      await term.waitFor(/\/dev\/pts\/\d+\r?\n(.*\r?\n)?answer-42/, 30_000);
      term.type('stty size; exit 4\r');
      assert.equal(await term.exited, 4, term.screen());
      assert.match(term.screen(), /\r31 97\r\n/);
    } finally {
      term.kill();
    }

    // scp up and back down (SFTP underneath), 1 MiB byte for byte.
    const payload = randomBytes(1 << 20);
    await writeFile(path.join(dir, 'local.bin'), payload);
    const up = await runProcess(
      'scp',
      [...options, path.join(dir, 'local.bin'), `${host}:${dir}/remote.bin`],
      '',
      env,
    );
    assert.equal(up.code, 0, up.stderr);
    const down = await runProcess(
      'scp',
      [...options, `${host}:${dir}/remote.bin`, path.join(dir, 'back.bin')],
      '',
      env,
    );
    assert.equal(down.code, 0, down.stderr);
    assert.ok(payload.equals(await readFile(path.join(dir, 'back.bin'))));

    // ssh -L to a web server in the workspace, and curl through it.
    const web = http.createServer((_req, res) => res.end('hello through -L\n'));
    const webPort = await listen(web);
    const localPort = await freePort();
    const forward = spawn(
      'ssh',
      [...options, '-N', '-o', 'ExitOnForwardFailure=yes', '-L', `${localPort}:127.0.0.1:${webPort}`, host],
      { env, stdio: 'ignore' },
    );
    try {
      let body = '';
      await eventually(
        'curl through ssh -L',
        async () => {
          const r = await runProcess('curl', ['-sS', '--max-time', '5', `http://127.0.0.1:${localPort}/`]);
          body = r.stdout;
          return r.code === 0;
        },
        30_000,
      );
      assert.equal(body, 'hello through -L\n');
    } finally {
      forward.kill();
      web.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
