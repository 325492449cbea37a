// Workspaces and builds through the API, run by real built-in echo daemons on real PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HangarClient } from '../sdk/hangar-client.js';
import type { Workspace, WorkspaceBuild } from '../sdk/workspaces.js';
import { expectError } from '../../test/support/coderd.js';
import { startProvisionerEnv, type ProvisionerTestEnv } from '../../test/support/provisioner.js';
import { insertEchoTemplate, insertEchoVersion, promoteVersion } from '../../test/support/template-rows.js';
import type { EchoTemplate } from '../../test/support/templates.js';

const agentTemplate: EchoTemplate = {
  start: {
    stages: [
      {
        stage: 'Applying',
        logs: ['creating dev'],
        resources: [
          {
            name: 'dev',
            type: 'null_resource',
            agents: [{ name: 'main', operating_system: 'linux', architecture: 'amd64' }],
            metadata: [{ key: 'home', value: '/home/dev', sensitive: false, is_null: false }],
          } as never,
        ],
      },
    ],
  },
  stop: { stages: [{ stage: 'Stopping', resources: [{ name: 'home', type: 'null_resource' }] }] },
  destroy: { stages: [{ stage: 'Destroying', logs: ['bye'] }] },
};

let env: ProvisionerTestEnv;
let orgId: string;
let ownerId: string;
let alice: HangarClient;
let bob: HangarClient;
let tadmin: HangarClient;
let tpl: { templateId: string; versionId: string };

async function login(username: string, roles: ('template-admin' | 'owner')[] = []) {
  const password = `${username}-Passw0rd!x`;
  const email = `${username}@example.com`;
  await env.owner.users.create({ username, email, password, roles });
  const c = new HangarClient(env.replica.url);
  c.sessionToken = (await c.users.login({ email, password })).session_token;
  return c;
}

before(async () => {
  env = await startProvisionerEnv(2);
  orgId = (await env.owner.organizations())[0]!.id;
  ownerId = (await env.owner.users.get('me')).id;
  alice = await login('alice');
  bob = await login('bob');
  tadmin = await login('tadmin', ['template-admin']);
  tpl = await insertEchoTemplate(env.db.pool, {
    organizationId: orgId,
    createdBy: ownerId,
    name: 'echo-agent',
    echo: agentTemplate,
    variables: [{ name: 'region', value: 'eu' }],
  });
});
after(() => env.close());

const done = (b: WorkspaceBuild) => !['pending', 'running', 'canceling'].includes(b.job.status);

async function waitBuild(c: HangarClient, buildId: string, timeoutMs = 15_000): Promise<WorkspaceBuild> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const b = await c.workspaces.build(buildId);
    if (done(b)) return b;
    if (Date.now() > deadline) throw new Error(`build ${buildId} still ${b.job.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitLatest(c: HangarClient, w: Workspace): Promise<Workspace> {
  const current = await c.workspaces.get(w.id, { includeDeleted: true });
  await waitBuild(c, current.latest_build.id);
  return c.workspaces.get(w.id, { includeDeleted: true });
}

async function stateOf(buildId: string): Promise<string> {
  return Buffer.from(await env.owner.workspaces.buildState(buildId)).toString('utf8');
}

test('create → running with resources and agents; stop, start, update, delete hand the state on', async () => {
  let w = await alice.workspaces.create('me', { template_id: tpl.templateId, name: 'dev' });
  assert.equal(w.latest_build.build_number, 1);
  assert.equal(w.latest_build.transition, 'start');
  assert.equal(w.owner_name, 'alice');
  w = await waitLatest(alice, w);
  assert.equal(w.latest_build.status, 'running');
  assert.equal(w.outdated, false);
  const dev = w.latest_build.resources.find((r) => r.name === 'dev');
  assert.ok(dev, 'the start build lists its resource');
  assert.equal(dev.agents[0]?.name, 'main');
  assert.equal(dev.agents[0]?.status, 'connecting');
  assert.deepEqual(dev.metadata, [{ key: 'home', value: '/home/dev', sensitive: false }]);
  assert.equal(await stateOf(w.latest_build.id), 'echo:start:1');
  const logs = await alice.workspaces.buildLogs(w.latest_build.id);
  assert.ok(logs.some((l) => l.output === 'creating dev' && l.stage === 'Applying'));

  const stop = await alice.workspaces.createBuild(w.id, { transition: 'stop' });
  assert.equal(stop.build_number, 2);
  w = await waitLatest(alice, w);
  assert.equal(w.latest_build.status, 'stopped');
  assert.deepEqual(
    w.latest_build.resources.map((r) => r.name),
    ['home'],
  );
  assert.equal(await stateOf(stop.id), 'echo:stop:2');

  const start = await alice.workspaces.createBuild(w.id, { transition: 'start' });
  w = await waitLatest(alice, w);
  assert.equal(w.latest_build.status, 'running');
  assert.equal(await stateOf(start.id), 'echo:start:3');

  // A new active version makes the workspace outdated until it is updated.
  const v2 = await insertEchoVersion(
    env.db.pool,
    { organizationId: orgId, createdBy: ownerId, echo: agentTemplate },
    tpl.templateId,
  );
  await promoteVersion(env.db.pool, tpl.templateId, v2);
  assert.equal((await alice.workspaces.get(w.id)).outdated, true);
  const update = await alice.workspaces.createBuild(w.id, { transition: 'start', template_version_id: v2 });
  w = await waitLatest(alice, w);
  assert.equal(w.latest_build.template_version_id, v2);
  assert.equal(w.outdated, false);
  assert.equal(await stateOf(update.id), 'echo:start:4');
  await promoteVersion(env.db.pool, tpl.templateId, tpl.versionId);

  const del = await alice.workspaces.createBuild(w.id, { transition: 'delete' });
  w = await waitLatest(alice, w);
  assert.equal(w.latest_build.status, 'deleted');
  assert.equal(await stateOf(del.id), 'echo:destroy:5');
  await expectError('not_found', () => alice.workspaces.get(w.id));
  const builds = await alice.workspaces.builds(w.id);
  assert.deepEqual(
    builds.map((b) => b.build_number),
    [5, 4, 3, 2, 1],
  );
  // The name is free again, and a deleted workspace cannot be built.
  const again = await alice.workspaces.create('me', { template_id: tpl.templateId, name: 'dev' });
  await waitLatest(alice, again);
  const e = await expectError('precondition_failed', () =>
    alice.workspaces.createBuild(w.id, { transition: 'start' }),
  );
  assert.match(e.message, /deleted/);
  await waitLatest(alice, await alice.workspaces.get(again.id));
});

test('names are unique per owner, case-insensitively (409)', async () => {
  const w = await bob.workspaces.create('me', { template_id: tpl.templateId, name: 'Same' });
  const e = await expectError('conflict', () =>
    bob.workspaces.create('me', { template_id: tpl.templateId, name: 'same' }),
  );
  assert.equal(e.validations[0]?.field, 'name');
  // Another owner may use the name.
  const other = await alice.workspaces.create('me', { template_id: tpl.templateId, name: 'same' });
  await waitLatest(bob, w);
  await waitLatest(alice, other);
  assert.equal(
    (await env.db.pool.query(`SELECT count(*)::int AS n FROM workspaces WHERE lower(name) = 'same'`)).rows[0]
      .n,
    2,
  );
});

test('parameters: 400 naming each bad one; immutable refused; ephemeral not carried forward', async () => {
  const t = await insertEchoTemplate(env.db.pool, {
    organizationId: orgId,
    createdBy: ownerId,
    echo: agentTemplate,
    parameters: [
      {
        name: 'region',
        required: true,
        mutable: false,
        options: [
          { name: 'EU', value: 'eu', description: '', icon: '' },
          { name: 'US', value: 'us', description: '', icon: '' },
        ],
      },
      {
        name: 'cpus',
        type: 'number',
        default_value: '2',
        validation_min: 1,
        validation_max: 8,
        validation_monotonic: 'increasing',
      },
      { name: 'debug', type: 'bool', default_value: 'false', ephemeral: true },
    ],
  });
  const before = (await env.db.pool.query('SELECT count(*)::int AS n FROM workspaces')).rows[0].n;
  const bad = await expectError('invalid_input', () =>
    alice.workspaces.create('me', {
      template_id: t.templateId,
      name: 'params',
      rich_parameter_values: [
        { name: 'cpus', value: '99' },
        { name: 'nope', value: 'x' },
      ],
    }),
  );
  assert.deepEqual(bad.validations.map((v) => v.field).sort(), ['cpus', 'nope', 'region']);
  assert.equal(
    (await env.db.pool.query('SELECT count(*)::int AS n FROM workspaces')).rows[0].n,
    before,
    'nothing half-written',
  );

  const w = await alice.workspaces.create('me', {
    template_id: t.templateId,
    name: 'params',
    rich_parameter_values: [
      { name: 'region', value: 'eu' },
      { name: 'cpus', value: '4' },
      { name: 'debug', value: 'true' },
    ],
  });
  await waitLatest(alice, w);
  const first = Object.fromEntries(
    (await alice.workspaces.buildParameters(w.latest_build.id)).map((p) => [p.name, p.value]),
  );
  assert.deepEqual(first, { region: 'eu', cpus: '4', debug: 'true' });

  const immutable = await expectError('invalid_input', () =>
    alice.workspaces.createBuild(w.id, {
      transition: 'start',
      rich_parameter_values: [{ name: 'region', value: 'us' }],
    }),
  );
  assert.deepEqual(
    immutable.validations.map((v) => v.field),
    ['region'],
  );
  assert.match(immutable.validations[0]!.detail, /immutable/);
  const lower = await expectError('invalid_input', () =>
    alice.workspaces.createBuild(w.id, {
      transition: 'start',
      rich_parameter_values: [{ name: 'cpus', value: '3' }],
    }),
  );
  assert.match(lower.validations[0]!.detail, /monotonic/);

  const stop = await alice.workspaces.createBuild(w.id, { transition: 'stop' });
  await waitBuild(alice, stop.id);
  const carried = Object.fromEntries(
    (await alice.workspaces.buildParameters(stop.id)).map((p) => [p.name, p.value]),
  );
  assert.deepEqual(
    carried,
    { region: 'eu', cpus: '4', debug: 'false' },
    'ephemeral debug back to its default',
  );
});

test('a second build while one runs is refused (409); cancel ends it canceled', async () => {
  const slow = await insertEchoTemplate(env.db.pool, {
    organizationId: orgId,
    createdBy: ownerId,
    echo: { start: { stages: [{ stage: 'Sleeping', logs: ['zzz'], sleep_ms: 60_000 }] } },
  });
  const w = await alice.workspaces.create('me', { template_id: slow.templateId, name: 'slow' });
  // Wait until a daemon runs it, so the cancel goes through the daemon.
  for (let i = 0; (await alice.workspaces.build(w.latest_build.id)).job.status !== 'running'; i++) {
    assert.ok(i < 300, 'the build never started');
    await new Promise((r) => setTimeout(r, 20));
  }
  const e = await expectError('conflict', () => alice.workspaces.createBuild(w.id, { transition: 'stop' }));
  assert.match(e.message, /still running/);
  await alice.workspaces.cancelBuild(w.latest_build.id);
  const canceled = await waitBuild(alice, w.latest_build.id);
  assert.equal(canceled.status, 'canceled');
  await expectError('precondition_failed', () => alice.workspaces.cancelBuild(w.latest_build.id));
  // Once it is over, the workspace can be built again.
  const del = await alice.workspaces.createBuild(w.id, { transition: 'delete', orphan: false });
  assert.equal(del.build_number, 2);
  await waitBuild(alice, del.id);
});

test('templates can forbid members to cancel; owners still may', async () => {
  const t = await insertEchoTemplate(env.db.pool, {
    organizationId: orgId,
    createdBy: ownerId,
    echo: { start: { stages: [{ sleep_ms: 60_000 }] } },
    settings: { allow_user_cancel_workspace_jobs: false },
  });
  const w = await bob.workspaces.create('me', { template_id: t.templateId, name: 'nocancel' });
  await expectError('forbidden', () => bob.workspaces.cancelBuild(w.latest_build.id));
  await env.owner.workspaces.cancelBuild(w.latest_build.id);
  assert.equal((await waitBuild(bob, w.latest_build.id)).status, 'canceled');
});

test('orphan delete skips the provisioner; only template admins may orphan', async () => {
  const w = await waitLatest(
    alice,
    await alice.workspaces.create('me', { template_id: tpl.templateId, name: 'orphan' }),
  );
  await expectError('forbidden', () =>
    alice.workspaces.createBuild(w.id, { transition: 'delete', orphan: true }),
  );
  await expectError('invalid_input', () =>
    env.owner.workspaces.createBuild(w.id, { transition: 'stop', orphan: true }),
  );
  const del = await env.owner.workspaces.createBuild(w.id, { transition: 'delete', orphan: true });
  assert.equal(del.job.status, 'succeeded');
  assert.equal(del.status, 'deleted');
  assert.equal(await stateOf(del.id), 'echo:start:1', 'no provisioner ran: the state is the previous one');
  await expectError('not_found', () => alice.workspaces.get(w.id));
  assert.equal((await alice.workspaces.get(w.id, { includeDeleted: true })).latest_build.status, 'deleted');
});

test('state: template admins read and replace it; the workspace owner may not', async () => {
  const w = await waitLatest(
    bob,
    await bob.workspaces.create('me', { template_id: tpl.templateId, name: 'state' }),
  );
  const id = w.latest_build.id;
  await expectError('not_found', () => bob.workspaces.buildState(id));
  await expectError('forbidden', () => bob.workspaces.putBuildState(id, Buffer.from('echo:start:41')));
  assert.equal(Buffer.from(await tadmin.workspaces.buildState(id)).toString(), 'echo:start:1');
  await tadmin.workspaces.putBuildState(id, Buffer.from('echo:start:41'));
  const stop = await bob.workspaces.createBuild(w.id, { transition: 'stop' });
  await waitBuild(bob, stop.id);
  assert.equal(await stateOf(stop.id), 'echo:stop:42', 'the pushed state went to the next build');
  // A build can also start from a given state (template admins only; owners may build anything).
  await expectError('forbidden', () =>
    bob.workspaces.createBuild(w.id, { transition: 'start', state: Buffer.from('x').toString('base64') }),
  );
  const start = await env.owner.workspaces.createBuild(w.id, {
    transition: 'start',
    state: Buffer.from('echo:stop:99').toString('base64'),
  });
  await waitBuild(bob, start.id);
  assert.equal(await stateOf(start.id), 'echo:start:100');
});

test('members see only their own workspaces; owners and template admins see all; search filters', async () => {
  const mine = await waitLatest(
    alice,
    await alice.workspaces.create('me', { template_id: tpl.templateId, name: 'visible' }),
  );
  await expectError('not_found', () => bob.workspaces.get(mine.id));
  await expectError('not_found', () => bob.workspaces.getByOwnerAndName('alice', 'visible'));
  await expectError('not_found', () => bob.workspaces.build(mine.latest_build.id));
  await expectError('not_found', () => bob.workspaces.createBuild(mine.id, { transition: 'stop' }));
  await expectError('not_found', () =>
    bob.workspaces.create('alice', { template_id: tpl.templateId, name: 'x' }),
  );
  assert.ok((await bob.workspaces.list()).workspaces.every((w) => w.owner_name === 'bob'));
  await expectError('forbidden', () => tadmin.workspaces.createBuild(mine.id, { transition: 'stop' }));
  assert.equal((await tadmin.workspaces.get(mine.id)).id, mine.id);
  assert.equal((await env.owner.workspaces.getByOwnerAndName('alice', 'visible')).id, mine.id);
  const byNumber = await alice.workspaces.buildByNumber('me', 'VISIBLE', 1);
  assert.equal(byNumber.id, mine.latest_build.id);

  const all = await env.owner.workspaces.list();
  assert.ok(new Set(all.workspaces.map((w) => w.owner_name)).size >= 2);
  assert.equal(all.count, all.workspaces.length);
  const q = async (c: HangarClient, query: string) =>
    (await c.workspaces.list({ q: query })).workspaces.map((w) => w.name);
  assert.deepEqual(await q(alice, 'owner:me name:visib'), ['visible']);
  assert.deepEqual(await q(env.owner, 'owner:alice visible'), ['visible']);
  assert.ok((await q(tadmin, `template:echo-agent status:running`)).includes('visible'));
  assert.ok(!(await q(tadmin, `template:echo-agent status:stopped`)).includes('visible'));
  const page = await env.owner.workspaces.list({ limit: 1, offset: 1 });
  assert.equal(page.workspaces.length, 1);
  assert.equal(page.count, all.count);
  await expectError('invalid_input', () => alice.workspaces.list({ q: 'status:sleepy' }));
});

test('rename, TTL and autostart; deprecated templates refuse new workspaces', async () => {
  const t = await insertEchoTemplate(env.db.pool, {
    organizationId: orgId,
    createdBy: ownerId,
    echo: agentTemplate,
    settings: { default_ttl: 3_600_000_000_000n },
  });
  let w = await alice.workspaces.create('me', { template_id: t.templateId, name: 'ttl' });
  assert.equal(w.ttl_ms, 3_600_000);
  w = await waitLatest(alice, w);
  assert.ok(w.latest_build.deadline && Date.parse(w.latest_build.deadline) > Date.now() + 3_500_000);
  await alice.workspaces.putTTL(w.id, { ttl_ms: 7_200_000 });
  assert.equal((await alice.workspaces.get(w.id)).ttl_ms, 7_200_000);
  await alice.workspaces.putTTL(w.id, { ttl_ms: null });
  assert.equal((await alice.workspaces.get(w.id)).ttl_ms, undefined);
  await expectError('invalid_input', () => alice.workspaces.putTTL(w.id, { ttl_ms: 10 }));
  await alice.workspaces.putAutostart(w.id, { schedule: 'CRON_TZ=Europe/Berlin 30 9 * * 1-5' });
  assert.equal((await alice.workspaces.get(w.id)).autostart_schedule, 'CRON_TZ=Europe/Berlin 30 9 * * 1-5');
  await expectError('invalid_input', () => alice.workspaces.putAutostart(w.id, { schedule: 'every day' }));
  await alice.workspaces.update(w.id, { name: 'renamed' });
  assert.equal((await alice.workspaces.get(w.id)).name, 'renamed');

  const fixed = await insertEchoTemplate(env.db.pool, {
    organizationId: orgId,
    createdBy: ownerId,
    echo: agentTemplate,
    settings: { default_ttl: 60_000_000_000n, allow_user_autostop: false },
  });
  const f = await alice.workspaces.create('me', {
    template_id: fixed.templateId,
    name: 'fixed',
    ttl_ms: 7_200_000,
  });
  assert.equal(f.ttl_ms, 60_000, 'the template decides when users may not');
  await expectError('invalid_input', () => alice.workspaces.putTTL(f.id, { ttl_ms: 120_000 }));
  await waitLatest(alice, f);

  const old = await insertEchoTemplate(env.db.pool, {
    organizationId: orgId,
    createdBy: ownerId,
    echo: agentTemplate,
    settings: { deprecated: 'Use echo-agent.' },
  });
  await expectError('forbidden', () =>
    alice.workspaces.create('me', { template_id: old.templateId, name: 'old' }),
  );
  // A version of another template cannot be used for an update.
  await expectError('invalid_input', () =>
    alice.workspaces.createBuild(w.id, { transition: 'start', template_version_id: old.versionId }),
  );
});

test('watch streams the workspace as it changes through a build', async () => {
  const w = await waitLatest(
    alice,
    await alice.workspaces.create('me', { template_id: tpl.templateId, name: 'watched' }),
  );
  const abort = new AbortController();
  const res = await fetch(alice.workspaces.watchUrl(w.id), {
    headers: { 'Coder-Session-Token': alice.sessionToken! },
    signal: abort.signal,
  });
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  const seen: string[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let stop: WorkspaceBuild | undefined;
  const deadline = Date.now() + 15_000;
  while (!seen.includes('stopped')) {
    assert.ok(Date.now() < deadline, `saw only ${seen.join(',')}`);
    const { value, done } = await reader.read();
    assert.ok(!done, 'the stream ended early');
    buffer += value;
    let i: number;
    while ((i = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      const data = /^event: data\ndata: (.*)$/m.exec(event);
      if (!data) continue;
      const ws = JSON.parse(data[1]!) as Workspace;
      seen.push(ws.latest_build.status);
      // The first event is the current state; then drive a build and watch it.
      stop ??= await alice.workspaces.createBuild(w.id, { transition: 'stop' });
    }
  }
  abort.abort();
  assert.equal(seen[0], 'running');
  assert.ok(seen.includes('pending') || seen.includes('stopping'), `intermediate states: ${seen.join(',')}`);
  assert.equal(seen.at(-1), 'stopped');
});

test('the organization route: members create their own, owners for others', async () => {
  const w = await alice.workspaces.createInOrganization(orgId, 'me', {
    template_id: tpl.templateId,
    name: 'orgroute',
  });
  assert.equal(w.organization_id, orgId);
  // An owner may create a workspace for someone else; it is theirs.
  const forBob = await env.owner.workspaces.createInOrganization(orgId, 'bob', {
    template_id: tpl.templateId,
    name: 'orgroute',
  });
  assert.equal(forBob.owner_name, 'bob');
  assert.equal(forBob.latest_build.initiator_name, 'owner');
  await waitLatest(bob, forBob);
  // Bob reads the build the owner started for him, logs included.
  assert.ok((await bob.workspaces.buildLogs(forBob.latest_build.id)).length > 0);
  await expectError('not_found', () =>
    alice.workspaces.createInOrganization(orgId, 'bob', { template_id: tpl.templateId, name: 'orgroute' }),
  );
  await waitLatest(alice, w);
});
