import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import type { ProvisionerJobLog } from '../sdk/provisioner-jobs.js';

import { expectError, startTestCoderd, type TestCoderd } from '../../test/support/coderd.js';
import {
  echoArchive,
  pushEchoVersion,
  waitForImport,
  type EchoTemplate,
} from '../../test/support/templates.js';

let t: TestCoderd;
before(async () => {
  t = await startTestCoderd({}, { echoDaemons: 2 });
});
after(() => t.close());

const agentResource = {
  name: 'dev',
  type: 'null_resource',
  agents: [{ name: 'main', operating_system: 'linux', architecture: 'amd64', apps: [] }],
  metadata: [{ key: 'region', value: 'eu', sensitive: false, is_null: false }],
};

const fullTemplate: EchoTemplate = {
  import: {
    stages: [
      { stage: 'Parsing', logs: ['reading the template', 'found 2 parameters'], resources: [agentResource] },
    ],
    stop_resources: [{ name: 'home', type: 'docker_volume' }],
    readme: '# Dev box\nA test template.',
    parameters: [
      {
        name: 'region',
        type: 'string',
        default_value: 'eu',
        mutable: false,
        options: [
          { name: 'Europe', value: 'eu', description: '', icon: '' },
          { name: 'US', value: 'us', description: '', icon: '' },
        ],
        order: 1,
      },
      {
        name: 'cpus',
        type: 'number',
        default_value: '2',
        validation_min: 1,
        validation_max: 8,
        mutable: true,
        order: 0,
      },
      { name: 'dotfiles', type: 'string', required: true, mutable: true, order: 2 },
    ],
    variables: [
      { name: 'api_token', type: 'string', sensitive: true, required: true },
      { name: 'image', type: 'string', default_value: 'ubuntu' },
    ],
  },
};

test('an import stores parameters, variables (sensitive redacted), resources and the readme', async () => {
  const owner = await t.owner();
  const { hash } = await owner.templates.uploadFile(await echoArchive(fullTemplate));
  const created = await owner.templates.createVersion('default', {
    file_id: hash,
    provisioner: 'echo',
    message: 'first push',
    user_variable_values: [{ name: 'api_token', value: 's3cret' }],
  });
  assert.match(created.name, /^[a-z]+_[a-z]+\d*$/);
  assert.equal(created.message, 'first push');
  assert.equal(created.template_id, undefined);
  assert.equal(created.job.file_id, hash);
  assert.equal(created.job.type, 'template_version_import');
  assert.deepEqual(created.job.input, {
    template_version_id: created.id,
    user_variable_values: [{ name: 'api_token', value: 's3cret' }],
  });
  const v = await waitForImport(owner, created.id);
  assert.equal(v.job.status, 'succeeded', v.job.error);
  assert.equal(v.readme, '# Dev box\nA test template.');
  assert.equal(v.created_by.username, 'owner');

  const params = await owner.templates.versionParameters(v.id);
  assert.deepEqual(
    params.map((p) => [p.name, p.type, p.default_value, p.required, p.order]),
    [
      ['cpus', 'number', '2', false, 0],
      ['region', 'string', 'eu', false, 1],
      ['dotfiles', 'string', '', true, 2],
    ],
  );
  assert.equal(params[0]!.validation_max, 8);
  assert.deepEqual(
    params[1]!.options.map((o) => o.value),
    ['eu', 'us'],
  );

  const vars = await owner.templates.versionVariables(v.id);
  const token = vars.find((x) => x.name === 'api_token')!;
  assert.equal(token.value, '*redacted*');
  assert.equal(token.sensitive, true);
  assert.deepEqual(
    vars.find((x) => x.name === 'image'),
    {
      name: 'image',
      description: '',
      type: 'string',
      value: 'ubuntu',
      default_value: 'ubuntu',
      required: false,
      sensitive: false,
    },
  );
  // The real value was used and stored, only the API hides it.
  const stored = await t.db.pool.query(
    `SELECT value FROM template_version_variables WHERE name = 'api_token'`,
  );
  assert.equal(stored.rows[0].value, 's3cret');

  const resources = await owner.templates.versionResources(v.id);
  assert.deepEqual(
    resources.map((r) => [r.workspace_transition, r.name, r.agents.map((a) => a.name)]).sort(),
    [
      ['start', 'dev', ['main']],
      ['stop', 'home', []],
    ],
  );
  assert.deepEqual(resources.find((r) => r.name === 'dev')!.metadata, [
    { key: 'region', value: 'eu', sensitive: false },
  ]);

  const logs = await owner.templates.versionLogs(v.id);
  assert.deepEqual(
    logs.filter((l) => l.stage === 'Parsing').map((l) => l.output),
    ['reading the template', 'found 2 parameters'],
  );
  // Following a finished import's logs sends the backlog and closes.
  const url = owner.templates.followVersionLogsUrl(v.id);
  const ws = new WebSocket(url, { headers: { 'Coder-Session-Token': owner.sessionToken! } });
  const streamed: ProvisionerJobLog[] = [];
  ws.on('message', (d) => streamed.push(JSON.parse(String(d)) as ProvisionerJobLog));
  await new Promise((resolve) => ws.on('close', resolve));
  assert.deepEqual(
    streamed.map((l) => l.id),
    logs.map((l) => l.id),
  );

  // A member reads the version and what it found (to create workspaces), never the secret.
  const member = await t.newUser('member-tv');
  assert.equal((await member.client.templates.version(v.id)).job.status, 'succeeded');
  assert.equal((await member.client.templates.versionParameters(v.id)).length, 3);
  assert.equal((await member.client.templates.versionVariables(v.id))[0]!.value, '*redacted*');
  await expectError('forbidden', () => member.client.templates.cancelVersion(v.id));
  // Members cannot read the file (nor upload one), so they cannot push versions either.
  const refused = await expectError('invalid_input', () =>
    member.client.templates.createVersion('default', { file_id: hash, provisioner: 'echo' }),
  );
  assert.equal(refused.validations[0]?.field, 'file_id');
});

test('a failed import ends the job failed with the reason; results are not stored', async () => {
  const owner = await t.owner();
  const failing = await pushEchoVersion(owner, {
    import: { stages: [{ stage: 'Planning', logs: ['planning'], fail: 'Error: Invalid block definition' }] },
  });
  assert.equal(failing.job.status, 'failed');
  assert.match(failing.job.error ?? '', /Invalid block definition/);

  const cases: { template: EchoTemplate; error: RegExp }[] = [
    {
      template: { import: { parameters: [{ name: 'a' }, { name: 'a' }] } },
      error: /parameter "a".*Duplicate parameter name/,
    },
    {
      template: { import: { parameters: [{ name: 'n', type: 'number', default_value: 'ten' }] } },
      error: /parameter "n".*"ten" is not a number/,
    },
    {
      template: {
        import: {
          parameters: [
            {
              name: 'size',
              default_value: 'xl',
              options: [{ name: 'S', value: 's', description: '', icon: '' }],
            },
          ],
        },
      },
      error: /parameter "size".*not one of the options/,
    },
    {
      template: { import: { parameters: [{ name: 'k', type: 'map(string)', default_value: '{}' }] } },
      error: /parameter "k".*Unknown type "map\(string\)"/,
    },
    {
      template: {
        import: { parameters: [{ name: 'c', type: 'number', default_value: '9', validation_max: 4 }] },
      },
      error: /parameter "c": The default value "9" .*Must be at most 4/,
    },
    {
      template: { import: { variables: [{ name: 'token', type: 'string', required: true }] } },
      error: /variable "token".*Required variable has no value/,
    },
    {
      template: {
        import: {
          stages: [{ resources: [{ name: 'r', type: 't', agents: [{ name: 'bad_name' }] }] }],
        },
      },
      error: /underscores/,
    },
  ];
  for (const c of cases) {
    const v = await pushEchoVersion(owner, c.template);
    assert.equal(v.job.status, 'failed', JSON.stringify(c.template));
    assert.match(v.job.error ?? '', c.error);
    assert.deepEqual(await owner.templates.versionParameters(v.id), []);
    assert.deepEqual(await owner.templates.versionVariables(v.id), []);
    assert.deepEqual(await owner.templates.versionResources(v.id), []);
  }
});

test('creating a version: bad input names the field and writes nothing', async () => {
  const owner = await t.owner();
  const count = async () =>
    (await t.db.pool.query('SELECT count(*)::int AS n FROM template_versions')).rows[0].n as number;
  const before = await count();
  const { hash } = await owner.templates.uploadFile(await echoArchive({}));
  const cases: { req: object; field: string }[] = [
    { req: {}, field: 'file_id' },
    { req: { file_id: 'nope' }, field: 'file_id' },
    { req: { file_id: '00000000-0000-4000-8000-000000000000' }, field: 'file_id' },
    { req: { file_id: hash, provisioner: 'docker' }, field: 'provisioner' },
    { req: { file_id: hash, name: 'bad name!' }, field: 'name' },
    { req: { file_id: hash, template_id: '00000000-0000-4000-8000-000000000000' }, field: 'template_id' },
    {
      req: {
        file_id: hash,
        user_variable_values: [
          { name: 'a', value: '1' },
          { name: 'a', value: '2' },
        ],
      },
      field: 'user_variable_values',
    },
    { req: { file_id: hash, surprise: true }, field: 'surprise' },
  ];
  for (const c of cases) {
    const err = await expectError('invalid_input', () =>
      owner.templates.createVersion('default', c.req as never),
    );
    assert.deepEqual(
      err.validations.map((x) => x.field),
      [c.field],
      JSON.stringify(c.req),
    );
  }
  assert.equal(await count(), before);
});

test('cancel: a running import ends canceled; a finished one cannot be canceled', async () => {
  const owner = await t.owner();
  const v = await pushEchoVersion(
    owner,
    { import: { stages: [{ stage: 'Planning', logs: ['slow plan'], sleep_ms: 60_000 }] } },
    { wait: false },
  );
  await waitForImport(owner, v.id, (x) => x.job.status === 'running');
  assert.deepEqual(await owner.templates.cancelVersion(v.id), {
    message: 'Job has been marked as canceled.',
  });
  const done = await waitForImport(owner, v.id);
  assert.equal(done.job.status, 'canceled');
  await expectError('precondition_failed', () => owner.templates.cancelVersion(v.id));
});

test('dry-run: resources of a planned workspace, logs, cancel; only of imported versions', async () => {
  const owner = await t.owner();
  const v = await pushEchoVersion(owner, {
    import: { parameters: [{ name: 'region', default_value: 'eu' }] },
    dry_run: { stages: [{ stage: 'Planning', logs: ['dry plan'], resources: [agentResource] }] },
  });
  const job = await owner.templates.createDryRun(v.id, {
    workspace_name: 'preview',
    rich_parameter_values: [{ name: 'region', value: 'us' }],
  });
  assert.equal(job.type, 'template_version_dry_run');
  assert.equal(job.file_id, v.job.file_id);
  let dry = job;
  for (let i = 0; i < 400 && !['succeeded', 'failed'].includes(dry.status); i++) {
    await new Promise((r) => setTimeout(r, 50));
    dry = await owner.templates.dryRun(v.id, job.id);
  }
  assert.equal(dry.status, 'succeeded', dry.error);
  const resources = await owner.templates.dryRunResources(v.id, job.id);
  assert.deepEqual(
    resources.map((r) => [r.name, r.job_id]),
    [['dev', job.id]],
  );
  assert.deepEqual(
    (await owner.templates.dryRunLogs(v.id, job.id))
      .filter((l) => l.stage === 'Planning')
      .map((l) => l.output),
    ['dry plan'],
  );
  await expectError('precondition_failed', () => owner.templates.cancelDryRun(v.id, job.id));
  // Another user does not see it, and it is not a dry-run of another version.
  const admin = await t.newUser('tadmin-dry', ['template-admin']);
  await expectError('not_found', () => admin.client.templates.dryRun(v.id, job.id));
  const other = await pushEchoVersion(owner, {});
  await expectError('not_found', () => owner.templates.dryRun(other.id, job.id));
  await expectError('not_found', () => owner.templates.dryRun(v.id, v.job.id));

  const slow = await pushEchoVersion(owner, { dry_run: { stages: [{ sleep_ms: 60_000 }] } });
  const running = await owner.templates.createDryRun(slow.id, {});
  await owner.templates.cancelDryRun(slow.id, running.id);
  for (let i = 0; i < 400 && dry.status !== 'canceled'; i++) {
    await new Promise((r) => setTimeout(r, 50));
    dry = await owner.templates.dryRun(slow.id, running.id);
  }
  assert.equal(dry.status, 'canceled');

  const failed = await pushEchoVersion(owner, { import: { stages: [{ fail: 'nope' }] } });
  const err = await expectError('invalid_input', () => owner.templates.createDryRun(failed.id, {}));
  assert.equal(err.validations[0]?.field, 'template_version_id');
});

test('rename a version; names are unique within a template', async () => {
  const owner = await t.owner();
  const v = await pushEchoVersion(owner, {});
  const renamed = await owner.templates.updateVersion(v.id, { name: 'v1.0', message: 'release' });
  assert.equal(renamed.name, 'v1.0');
  assert.equal(renamed.message, 'release');
  const template = await owner.templates.create('default', { name: 'renames', template_version_id: v.id });
  const v2 = await pushEchoVersion(owner, {}, { templateId: template.id });
  assert.equal(v2.template_id, template.id);
  const err = await expectError('conflict', () => owner.templates.updateVersion(v2.id, { name: 'V1.0' }));
  assert.equal(err.validations[0]?.field, 'name');
  const dup = await expectError('conflict', () =>
    pushEchoVersion(owner, {}, { templateId: template.id, name: 'v1.0' }),
  );
  assert.equal(dup.validations[0]?.field, 'name');
  assert.equal((await owner.templates.versionByName(template.id, 'v1.0')).id, v.id);
});
