// `hangar create|list|show|start|stop|restart|update|delete|state` driving the real binary
// against a real server with echo daemons, as a user would.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Workspace } from '../../src/sdk/workspaces.js';
import { echoParameter, echoTemplateDir, startCliSession, type CliSession } from '../support/cli-session.js';

const resources = [
  {
    name: 'home',
    type: 'terraform_data',
    metadata: [
      { key: 'home', value: '/home/dev', sensitive: false, is_null: false },
      { key: 'secret', value: 'hunter2', sensitive: true, is_null: false },
    ],
  },
  {
    name: 'agent',
    type: 'terraform_data',
    agents: [
      {
        name: 'main',
        operating_system: 'linux',
        architecture: 'amd64',
        directory: '/home/dev',
        auth_token: '00000000-0000-4000-8000-00000000000a',
        apps: [{ slug: 'code', display_name: 'Code', url: 'http://localhost:8080' }],
      },
    ],
  },
];

const parameters = [
  echoParameter('region', {
    required: true,
    mutable: false,
    options: [
      { name: 'EU', value: 'eu', description: '', icon: '' },
      { name: 'US', value: 'us', description: '', icon: '' },
    ],
  }),
  echoParameter('size', {
    type: 'number',
    default_value: '10',
    validation_min: 1,
    validation_max: 100,
    order: 2,
  }),
];

function template(extraParameters: unknown[] = [], startFail?: string) {
  return {
    import: {
      stages: [{ stage: 'Planning', logs: ['ok'] }],
      parameters: [...parameters, ...extraParameters],
    },
    start: {
      stages: [
        { stage: 'Planning', logs: ['Plan: 2 to add'] },
        {
          stage: 'Applying',
          logs: ['created home', 'created agent'],
          resources,
          ...(startFail ? { fail: startFail } : {}),
        },
      ],
    },
    stop: { stages: [{ stage: 'Applying', logs: ['destroyed agent'], resources: [resources[0]] }] },
    destroy: { stages: [{ stage: 'Destroying', logs: ['destroyed everything'] }] },
  };
}

const result = (name: string, what: string, verb = 'built') =>
  new RegExp(`^Workspace "${name.replace('/', '\\/')}" ${what} \\(${verb} in \\d+\\.\\d s\\)\\.\\n$`);

describe('cli workspaces', () => {
  let s: CliSession;
  const getJson = async (ref: string) => JSON.parse(await s.ok('show', ref, '-o', 'json')) as Workspace;

  before(async () => {
    s = await startCliSession();
    const dir = await echoTemplateDir(template());
    await s.ok('templates', 'push', 'box', '-d', dir, '--provisioner', 'echo', '-y', '--name', 'v1');
  });
  after(() => s?.stop());

  it('create lists every missing required parameter when it cannot prompt, and rejects bad values', async () => {
    const missing = await s.cli('create', 'dev', '-t', 'box', '-y');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /error: Missing value for required parameter: region\./);
    assert.match(missing.stderr, /region: string; one of eu, us/);
    assert.match(missing.stderr, /hint: .*hangar create dev -t box --parameter region=/);

    const bad = await s.cli(
      'create',
      'dev',
      '-t',
      'box',
      '--parameter',
      'region=mars',
      '--parameter',
      'size=500',
      '-y',
    );
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /region: "mars" is not one of the options: eu, us\./);
    assert.match(bad.stderr, /size: Must be at most 100\./);

    const unknown = await s.cli('create', 'dev', '-t', 'box', '--parameter', 'colour=red', '-y');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no parameter "colour"/);
    assert.equal(JSON.parse(await s.ok('list', '-o', 'json')).length, 0, 'nothing was created');
  });

  it('create builds the workspace, streaming the log, and ends with one line', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hangar-params-'));
    const file = path.join(dir, 'params.yaml');
    await writeFile(file, '# values\nregion: eu\nsize: "20"\n');
    const r = await s.cli(
      'create',
      'dev',
      '-t',
      'box',
      '--rich-parameter-file',
      file,
      '--stop-after',
      '8h',
      '-y',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, result('dev', 'is running'));
    assert.match(r.stderr, /Template: +box \(version v1\)\nParameters: region=eu, size=20\n/);
    assert.match(
      r.stderr,
      /==> Planning\n {4}Plan: 2 to add\n==> Applying\n {4}created home\n {4}created agent\n/,
    );

    const list = JSON.parse(await s.ok('list', '-o', 'json')) as Workspace[];
    assert.equal(list.length, 1);
    assert.equal(list[0]!.latest_build.status, 'running');
    assert.equal(list[0]!.ttl_ms, 8 * 3600_000);
    assert.match(
      await s.ok('list'),
      /^WORKSPACE +TEMPLATE +STATUS +LAST BUILT +OUTDATED\nowner\/dev +box +running +\d+s ago +no\n$/,
    );
  });

  it('show prints resources, metadata (sensitive hidden), agents and apps; owner/name works', async () => {
    const text = await s.ok('show', 'owner/dev');
    assert.match(text, /^owner\/dev: running\n/);
    assert.match(text, /\n {2}terraform_data\.home\n {4}home: \/home\/dev\n {4}secret: \(sensitive\)\n/);
    assert.match(text, /\n {4}agent main: \w+, \w+ \(linux\/amd64\)/);
    assert.match(text, /\n {6}app code \(Code\): http:\/\/localhost:8080\n/);
    assert.doesNotMatch(text, /hunter2/);
    const missing = await s.cli('show', 'nobody/dev');
    assert.equal(missing.code, 5);
  });

  it('stop, start and restart each stream a build and say where the workspace ended up', async () => {
    const stop = await s.cli('stop', 'dev');
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stdout, result('dev', 'is stopped'));
    assert.match(stop.stderr, /destroyed agent/);
    assert.equal((await getJson('dev')).latest_build.status, 'stopped');

    assert.match(await s.ok('start', 'dev'), result('dev', 'is running'));
    const restart = await s.cli('restart', 'dev');
    assert.equal(restart.code, 0, restart.stderr);
    assert.match(
      restart.stdout,
      /^Workspace "dev" is running \(stopped in \d+\.\d s, started in \d+\.\d s\)\.\n$/,
    );
    assert.match(restart.stderr, /Workspace "dev" is stopped/);
    const ws = await getJson('dev');
    assert.equal(ws.latest_build.status, 'running');
    assert.equal(ws.latest_build.build_number, 5);
  });

  it('update asks for new required parameters, then builds the active version', async () => {
    assert.match(await s.ok('update', 'dev'), /already on the active version/);
    const dir = await echoTemplateDir(template([echoParameter('tier', { required: true, order: 3 })]));
    await s.ok('templates', 'push', 'box', '-d', dir, '--provisioner', 'echo', '-y', '--name', 'v2');
    assert.match(await s.ok('list'), /\nowner\/dev +box +running +.+? +yes\n$/);

    const missing = await s.cli('update', 'dev');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /required parameter: tier\./);
    const r = await s.cli('update', 'dev', '--parameter', 'tier=gold');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, result('dev', 'is running', 'updated'));
    const ws = await getJson('dev');
    assert.equal(ws.outdated, false);
    assert.equal(ws.latest_build.template_version_name, 'v2');
  });

  it('state pull reads a build state; push starts a build from a given state', async () => {
    const state = await s.ok('state', 'pull', 'dev');
    assert.match(state, /^echo:start:\d+$/);
    const first = await s.ok('state', 'pull', 'dev', '--build', '1');
    assert.equal(first, 'echo:start:1');
    const dir = await mkdtemp(path.join(tmpdir(), 'hangar-state-'));
    const file = path.join(dir, 'state');
    await s.ok('state', 'pull', 'dev', file);
    assert.equal(await readFile(file, 'utf8'), state);

    await writeFile(file, 'echo:start:41');
    assert.match(await s.ok('state', 'push', 'dev', file), result('dev', 'is running'));
    assert.equal(
      await s.ok('state', 'pull', 'dev'),
      'echo:start:42',
      'the build started from the pushed state',
    );
    const missing = await s.cli('state', 'pull', 'dev', '--build', '99');
    assert.equal(missing.code, 5);
  });

  it('a failed build exits 1 with the job error', async () => {
    const dir = await echoTemplateDir(template([], 'quota exceeded'));
    await s.ok('templates', 'push', 'flaky', '-d', dir, '--provisioner', 'echo', '-y');
    const r = await s.cli('create', 'bad', '-t', 'flaky', '--parameter', 'region=us', '-y');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: Starting workspace "bad" failed: quota exceeded\n/);
    assert.equal((await getJson('bad')).latest_build.status, 'failed');
  });

  it('delete needs -y without a terminal, then destroys and removes the workspace', async () => {
    const refused = await s.cli('delete', 'dev');
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Pass -y to confirm/);
    const r = await s.cli('delete', 'dev', '-y');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, result('dev', 'has been deleted'));
    assert.match(r.stderr, /destroyed everything/);
    assert.match(
      await s.ok('delete', 'bad', '-y', '--orphan'),
      result('bad', 'has been deleted', 'orphaned'),
    );
    const none = await s.cli('list');
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /No workspaces found/);
  });
});
