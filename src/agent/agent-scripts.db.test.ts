// The agent's scripts, logs, metadata and listening ports against a real coderd on real
// PostgreSQL: workspaces built by the echo provisioner, the agent in this process running real
// shells, and clients using the API as the CLI and the dashboard do.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { AgentClient } from '../sdk/agent-client.js';
import type { HangarClient } from '../sdk/hangar-client.js';
import { SessionTokenHeader } from '../sdk/headers.js';
import { nopLogger } from '../sdk/logger.js';
import type { ProvisionedAgent, ProvisionedScript } from '../sdk/provisioner.js';
import type { WorkspaceAgentLog, WorkspaceAgentMetadata } from '../sdk/workspace-agents.js';
import type { WorkspaceAgent } from '../sdk/workspaces.js';
import { expectError, startTestCoderd, type TestCoderd } from '../../test/support/coderd.js';
import { readEvents } from '../../test/support/sse.js';
import { insertEchoTemplate } from '../../test/support/template-rows.js';
import { pollUntil } from '../../test/support/wait.js';
import { Agent } from './agent.js';

let coderd: TestCoderd;
let owner: HangarClient;
let ownerId: string;
let orgId: string;
let stranger: HangarClient;

before(async () => {
  coderd = await startTestCoderd({}, { echoDaemons: 1 });
  owner = await coderd.owner();
  ownerId = (await owner.users.get('me')).id;
  orgId = (await owner.organizations())[0]!.id;
  stranger = (await coderd.newUser('stranger')).client;
});
after(() => coderd.close());

const script = (s: Partial<ProvisionedScript> & { script: string }): ProvisionedScript => ({
  display_name: 'Script',
  icon: '',
  cron: '',
  start_blocks_login: false,
  run_on_start: true,
  run_on_stop: false,
  timeout_seconds: 0,
  log_path: '',
  ...s,
});

interface Running {
  agent: Agent;
  agentId: string;
  token: string;
  stateDir: string;
  view(): Promise<WorkspaceAgent>;
}

/** Builds a workspace whose agent has `extra` (scripts, metadata, env), and starts that agent here. */
async function runAgent(extra: Partial<ProvisionedAgent>): Promise<Running> {
  const token = randomUUID();
  const agentDef: ProvisionedAgent = { name: 'main', auth_token: token, directory: '', ...extra };
  const { templateId } = await insertEchoTemplate(coderd.db.pool, {
    organizationId: orgId,
    createdBy: ownerId,
    echo: {
      start: {
        stages: [{ resources: [{ name: 'dev', type: 'null_resource', agents: [agentDef] } as never] }],
      },
    },
  });
  const ws = await owner.workspaces.create('me', {
    template_id: templateId,
    name: `ws-${token.slice(0, 8)}`,
  });
  const agentId = await eventually('the build to provision the agent', async () => {
    const b = await owner.workspaces.build(ws.latest_build.id);
    if (b.job.status === 'failed') throw new Error(`build failed: ${b.job.error}`);
    return b.job.status === 'succeeded' ? b.resources[0]?.agents[0]?.id : undefined;
  });
  const stateDir = await mkdtemp(path.join(tmpdir(), 'hangar-agent-scripts-'));
  const agent = new Agent({
    url: new URL(coderd.url),
    token,
    logger: nopLogger,
    stateDir,
    maxBackoffMs: 200,
    scriptTimings: { killGraceMs: 500, pipeWaitMs: 1_000, metadataReportIntervalMs: 250 },
  });
  agent.start();
  await agent.ready();
  return { agent, agentId, token, stateDir, view: () => owner.agents.get(agentId) };
}

const eventually = <T>(what: string, fn: () => Promise<T | undefined | false>, ms = 15_000) =>
  pollUntil(what, fn, { ms, intervalMs: 50 });

const lifecycleIs = (r: Running, state: WorkspaceAgent['lifecycle_state']) =>
  eventually(`lifecycle ${state}`, async () =>
    (await r.view()).lifecycle_state === state ? true : undefined,
  );

const outputs = (logs: WorkspaceAgentLog[]) => logs.map((l) => l.output);

/** A follow stream: collects every log of every frame until closed. */
function follow(agentId: string, after = 0) {
  const logs: WorkspaceAgentLog[] = [];
  const frames: number[] = [];
  const ws = new WebSocket(owner.agents.followLogsUrl(agentId, after), {
    headers: { [SessionTokenHeader]: owner.sessionToken! },
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('message', (data) => {
    const batch = JSON.parse(String(data)) as WorkspaceAgentLog[];
    frames.push(batch.length);
    logs.push(...batch);
  });
  return { logs, frames, closed, close: () => ws.close() };
}

test('start scripts run in parallel; a blocking one keeps the agent starting; logs arrive by GET and by follow without loss or repeats', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'hangar-gate-'));
  const r = await runAgent({
    env: { GATE: path.join(dir, 'go') },
    scripts: [
      script({ display_name: 'Prints', script: 'for i in 1 2 3; do echo "line $i"; done; echo oops >&2' }),
      script({
        display_name: 'Blocks',
        start_blocks_login: true,
        script: 'echo waiting; while [ ! -f "$GATE" ]; do sleep 0.05; done; echo released',
      }),
    ],
  });
  const first = follow(r.agentId);
  // The quick script is done while the blocking one still runs: the agent stays starting.
  await eventually(
    'both scripts to have printed',
    async () => first.logs.some((l) => l.output === 'waiting') && first.logs.some((l) => l.output === 'oops'),
  );
  assert.equal((await r.view()).lifecycle_state, 'starting');
  assert.ok(first.frames.length >= 1);
  first.close();
  assert.equal(await first.closed, 1005);
  const resumed = follow(r.agentId, first.logs.at(-1)!.id);

  await writeFile(path.join(dir, 'go'), '');
  await lifecycleIs(r, 'ready');
  await eventually('the last line on the resumed stream', async () =>
    resumed.logs.some((l) => l.output === 'released'),
  );

  const all = await owner.agents.logs(r.agentId);
  assert.deepEqual(
    [...first.logs, ...resumed.logs].map((l) => l.id),
    all.map((l) => l.id),
    'the two streams together are exactly the stored lines, in order',
  );
  const view = await r.view();
  const source = (name: string) => view.log_sources.find((s) => s.display_name === name)!.id;
  const prints = all.filter((l) => l.source_id === source('Prints'));
  assert.deepEqual(outputs(prints), ['line 1', 'line 2', 'line 3', 'oops']);
  assert.deepEqual(
    prints.map((l) => l.level),
    ['info', 'info', 'info', 'error'],
  );
  assert.deepEqual(outputs(all.filter((l) => l.source_id === source('Blocks'))), ['waiting', 'released']);
  assert.deepEqual(outputs(await owner.agents.logs(r.agentId, prints[1]!.id)).slice(0, 1), [
    outputs(all)[all.findIndex((l) => l.id === prints[1]!.id) + 1],
  ]);
  assert.ok(view.started_at && view.ready_at && view.ready_at >= view.started_at);
  // Each script also logs to its file under the agent's log dir.
  const logFile = path.join(r.stateDir, 'logs', `coder-script-${source('Prints')}.log`);
  assert.equal(await readFile(logFile, 'utf8'), 'line 1\nline 2\nline 3\noops\n');

  resumed.close();
  await resumed.closed;
  await r.agent.close();
});

test('the follow stream ends when a newer build replaces the agent', async () => {
  const r = await runAgent({ scripts: [script({ script: 'echo hello' })] });
  await lifecycleIs(r, 'ready');
  const f = follow(r.agentId);
  await eventually('the backlog', async () => f.logs.length === 1);
  const ws = (await owner.workspaces.list()).workspaces.find((w) =>
    w.latest_build.resources.some((res) => res.agents.some((a) => a.id === r.agentId)),
  )!;
  await owner.workspaces.createBuild(ws.id, { transition: 'stop' });
  assert.equal(await f.closed, 1000);
  await r.agent.close();
});

test('a failing start script gives start_error with its log; the agent is unhealthy', async () => {
  const r = await runAgent({ scripts: [script({ script: 'echo about to fail; exit 1' })] });
  await lifecycleIs(r, 'start_error');
  assert.deepEqual(outputs(await owner.agents.logs(r.agentId)), ['about to fail']);
  assert.deepEqual((await r.view()).health, {
    healthy: false,
    reason: 'agent startup script exited with an error',
  });
  await r.agent.close();
  assert.equal((await r.view()).lifecycle_state, 'off');
});

test('a start script past its timeout gives start_timeout; a failing stop script gives shutdown_error', async () => {
  const r = await runAgent({
    scripts: [
      script({ script: 'echo slow; sleep 30', timeout_seconds: 1 }),
      script({
        display_name: 'Stop',
        run_on_start: false,
        run_on_stop: true,
        script: 'echo cleaning; exit 4',
      }),
    ],
  });
  const started = Date.now();
  await lifecycleIs(r, 'start_timeout');
  assert.ok(Date.now() - started < 8_000);
  await r.agent.close();
  assert.equal((await r.view()).lifecycle_state, 'shutdown_error');
  assert.ok(outputs(await owner.agents.logs(r.agentId)).includes('cleaning'));
});

test('cron scripts run on their schedule once the start scripts are done', async () => {
  const r = await runAgent({
    scripts: [
      script({ display_name: 'Tick', run_on_start: false, cron: '* * * * * *', script: 'echo tick' }),
    ],
  });
  await lifecycleIs(r, 'ready');
  await eventually('three ticks', async () => outputs(await owner.agents.logs(r.agentId)).length >= 3);
  await r.agent.close();
});

test('a port a start script opened shows in listening-ports; the stop script ends it on shutdown', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'hangar-port-'));
  const env = {
    NODE: process.execPath,
    PORTFILE: path.join(dir, 'port'),
    PIDFILE: path.join(dir, 'pid'),
  };
  const server = `require('net').createServer().listen(0, '127.0.0.1', function () { require('fs').writeFileSync(process.env.PORTFILE, String(this.address().port)); })`;
  const r = await runAgent({
    env,
    scripts: [
      script({
        display_name: 'Serve',
        script: `"$NODE" -e "${server}" >/dev/null 2>&1 & echo $! > "$PIDFILE"`,
      }),
      script({
        display_name: 'Stop',
        run_on_start: false,
        run_on_stop: true,
        script: 'kill "$(cat "$PIDFILE")" && echo stopped',
      }),
    ],
  });
  await lifecycleIs(r, 'ready');
  const port = Number(
    await eventually('the port file', async () => readFile(env.PORTFILE, 'utf8').catch(() => undefined)),
  );
  await eventually('connected', async () => (await r.view()).status === 'connected');
  const { ports } = await owner.agents.listeningPorts(r.agentId);
  assert.deepEqual(
    ports.find((p) => p.port === port),
    { process_name: 'node', network: 'tcp', port },
  );
  assert.ok(ports.every((p) => p.port >= 9));
  await expectError('not_found', () => stranger.agents.listeningPorts(r.agentId));

  await r.agent.close();
  assert.equal((await r.view()).lifecycle_state, 'off');
  assert.ok(outputs(await owner.agents.logs(r.agentId)).includes('stopped'));
  const pid = Number(await readFile(env.PIDFILE, 'utf8'));
  await eventually(
    'the server to exit',
    async () => !existsSync(`/proc/${pid}`) || (await readFile(`/proc/${pid}/stat`, 'utf8')).includes(') Z'),
  );
  await eventually('disconnected', async () => (await r.view()).status === 'disconnected');
  const e = await expectError('invalid_input', () => owner.agents.listeningPorts(r.agentId));
  assert.match(e.message, /Agent state is "disconnected"/);
});

test('metadata is collected on each item’s interval and streamed by watch-metadata', async () => {
  const r = await runAgent({
    metadata: [
      { key: 'clock', display_name: 'Clock', script: 'date +%s%N', interval: 1, timeout: 1, order: 0 },
      {
        key: 'broken',
        display_name: 'Broken',
        script: 'echo partial; exit 2',
        interval: 0,
        timeout: 0,
        order: 1,
      },
    ],
  });
  const clockValues = (events: WorkspaceAgentMetadata[][]) =>
    new Set(events.map((e) => e.find((m) => m.description.key === 'clock')!.result.value).filter(Boolean));
  const events = await readEvents<WorkspaceAgentMetadata[]>(
    owner.agents.watchMetadataUrl(r.agentId),
    owner.sessionToken!,
    (ev) => clockValues(ev).size >= 3,
  );
  const last = events.at(-1)!;
  assert.deepEqual(
    last.map((m) => m.description.key),
    ['clock', 'broken'],
  );
  assert.deepEqual(last[0]!.description, {
    display_name: 'Clock',
    key: 'clock',
    script: 'date +%s%N',
    interval: 1,
    timeout: 1,
  });
  assert.match(last[0]!.result.value, /^\d+\n$/);
  assert.equal(last[0]!.result.error, '');
  assert.ok(last[0]!.result.age <= 2);
  assert.deepEqual(
    { value: last[1]!.result.value, error: last[1]!.result.error },
    { value: 'partial\n', error: 'run cmd: exit status 2' },
  );
  await expectError('not_found', () =>
    stranger.request('GET', `/workspaceagents/${r.agentId}/watch-metadata`),
  );
  await r.agent.close();
});

test('agent log uploads: External source, unknown source refused, the 1 MiB cap sets logs_overflowed', async () => {
  const r = await runAgent({});
  await lifecycleIs(r, 'ready');
  const api = new AgentClient(coderd.url, r.token);
  const line = (output: string) => ({ created_at: new Date().toISOString(), output, level: 'info' as const });
  await api.patchLogs({ logs: [line('from outside')] });
  const view = await r.view();
  const external = view.log_sources.find((s) => s.display_name === 'External');
  assert.ok(external, 'posting without a source files the lines under "External"');
  assert.deepEqual(
    (await owner.agents.logs(r.agentId)).map((l) => [l.output, l.source_id]),
    [['from outside', external.id]],
  );
  const unknown = await expectError('invalid_input', () =>
    api.patchLogs({ log_source_id: randomUUID(), logs: [line('x')] }),
  );
  assert.equal(unknown.validations[0]?.field, 'log_source_id');
  const long = await expectError('invalid_input', () =>
    api.patchLogs({ log_source_id: external.id, logs: [line('x'.repeat(1025))] }),
  );
  assert.equal(long.validations[0]?.field, 'logs.0.output');
  await expectError('unauthenticated', () =>
    new AgentClient(coderd.url, randomUUID()).patchLogs({ logs: [line('x')] }),
  );

  const batch = Array.from({ length: 1000 }, () => line('y'.repeat(1000)));
  await api.patchLogs({ log_source_id: external.id, logs: batch });
  assert.equal((await r.view()).logs_overflowed, false);
  await expectError('payload_too_large', () => api.patchLogs({ log_source_id: external.id, logs: batch }));
  const after = await r.view();
  assert.equal(after.logs_overflowed, true);
  assert.equal(after.logs_length, 1000 * 1000 + 'from outside'.length);
  assert.equal((await owner.agents.logs(r.agentId)).length, 1001, 'the refused batch left nothing behind');
  await expectError('not_found', () => stranger.agents.logs(r.agentId));
  await r.agent.close();
});
