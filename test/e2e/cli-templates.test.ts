// `hangar templates …` driving the real binary against a real server with echo daemons.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Template } from '../../src/sdk/templates.js';
import { runCli } from '../support/cli.js';
import { echoParameter, echoTemplateDir, startCliSession, type CliSession } from '../support/cli-session.js';

const importScript = {
  import: {
    stages: [
      { stage: 'Parsing template', logs: ['parsed 1 file'] },
      { stage: 'Planning', logs: ['plan ok', { level: 'warn', output: 'a warning' }] },
    ],
    parameters: [
      echoParameter('region', { options: [{ name: 'EU', value: 'eu', description: '', icon: '' }] }),
    ],
  },
};

describe('cli templates', () => {
  let s: CliSession;
  before(async () => {
    s = await startCliSession();
  });
  after(() => s?.stop());

  it('init lists the examples without --id, writes one with it and refuses a non-empty directory', async () => {
    const listed = await runCli(['templates', 'init']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^ID +NAME +DESCRIPTION\nlocal +Local processes/);
    assert.match(listed.stdout, /\ndocker +Docker containers/);
    assert.match(listed.stdout, /\nkubernetes +Kubernetes pods/);
    assert.match(listed.stderr, /--id/);

    const dir = path.join(await mkdtemp(path.join(tmpdir(), 'hangar-init-')), 'mine');
    const r = await runCli(['templates', 'init', '--id', 'local', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((await readdir(dir)).sort(), ['README.md', 'main.tf', 'scripts']);
    assert.match(await readFile(path.join(dir, 'main.tf'), 'utf8'), /data\.coder_workspace\.me\.start_count/);

    const again = await runCli(['templates', 'init', '--id', 'local', dir]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /is not empty/);
    const unknown = await runCli(['templates', 'init', '--id', 'nope', dir + '2']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /hint: Choose from: local, docker, kubernetes\./);
  });

  it('push creates the template, streaming the import log with each stage once', async () => {
    const dir = await echoTemplateDir(importScript);
    const r = await s.cli('templates', 'push', 'demo', '-d', dir, '--provisioner', 'echo', '-y');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Template "demo" created with version \S+ \(imported in \d+\.\d s\)\.\n$/);
    assert.match(r.stderr, /==> Parsing template\n {4}parsed 1 file\n/);
    assert.match(r.stderr, /==> Planning\n {4}plan ok\n {4}a warning\n/);
    assert.equal(r.stderr.match(/==> Planning/g)?.length, 1);

    const list = JSON.parse(await s.ok('templates', 'list', '-o', 'json')) as Template[];
    assert.deepEqual(
      list.map((t) => t.name),
      ['demo'],
    );
    assert.match(
      await s.ok('templates', 'list'),
      /^NAME +ORGANIZATION +USED BY +DEFAULT TTL +LAST UPDATED\ndemo +\S+ +0 workspaces/,
    );
  });

  it('a second push promotes; --activate=false does not; versions promote does', async () => {
    const dir = await echoTemplateDir(importScript, { 'README.md': '# v2\n' });
    const second = await s.ok(
      'templates',
      'push',
      'demo',
      '-d',
      dir,
      '--provisioner',
      'echo',
      '-y',
      '-m',
      'second',
      '--name',
      'v2',
    );
    assert.match(second, /^Template "demo" updated: version v2 is now active/);

    await writeFile(path.join(dir, 'README.md'), '# v3\n');
    const third = await s.ok(
      'templates',
      'push',
      'demo',
      '-d',
      dir,
      '--provisioner',
      'echo',
      '-y',
      '--name',
      'v3',
      '--activate=false',
    );
    assert.match(third, /version v3 imported in .*the active version is unchanged/);

    type Row = { name: string; active: boolean; message: string; job: { status: string } };
    let versions = JSON.parse(await s.ok('templates', 'versions', 'list', 'demo', '-o', 'json')) as Row[];
    assert.equal(versions.length, 3);
    assert.deepEqual(
      versions.filter((v) => v.active).map((v) => v.name),
      ['v2'],
    );
    assert.equal(versions.find((v) => v.name === 'v2')?.message, 'second');
    assert.ok(versions.every((v) => v.job.status === 'succeeded'));

    assert.equal(
      await s.ok('templates', 'versions', 'promote', 'demo', 'v3'),
      'Version v3 of "demo" is now active.\n',
    );
    versions = JSON.parse(await s.ok('templates', 'versions', 'list', 'demo', '-o', 'json')) as Row[];
    assert.equal(versions.find((v) => v.active)?.name, 'v3');
    assert.match(
      await s.ok('templates', 'versions', 'list', 'demo'),
      /\nv3 +\[?\S+ +owner +succeeded +Active\n/,
    );
  });

  it('a failing import exits non-zero with the job error and the last diagnostics; nothing is created', async () => {
    const dir = await echoTemplateDir({
      import: {
        stages: [
          {
            stage: 'Planning',
            logs: [{ level: 'error', output: 'Error: Unsupported argument' }],
            fail: 'terraform plan failed',
          },
        ],
      },
    });
    const r = await s.cli('templates', 'push', 'broken', '-d', dir, '--provisioner', 'echo', '-y');
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /error: Importing template "broken" failed: terraform plan failed\n {2}Error: Unsupported argument\n/,
    );
    const list = JSON.parse(await s.ok('templates', 'list', '-o', 'json')) as Template[];
    assert.ok(!list.some((t) => t.name === 'broken'));
  });

  it('pull writes the active version to a directory or as a tar', async () => {
    const dir = path.join(await mkdtemp(path.join(tmpdir(), 'hangar-pull-')), 'out');
    assert.match(await s.ok('templates', 'pull', 'demo', dir), /^Wrote version v3 of "demo"/);
    assert.equal(await readFile(path.join(dir, 'README.md'), 'utf8'), '# v3\n');
    const v2 = path.join(dir, '..', 'v2');
    await s.ok('templates', 'pull', 'demo', v2, '--version', 'v2');
    assert.equal(await readFile(path.join(v2, 'README.md'), 'utf8'), '# v2\n');
    const refused = await s.cli('templates', 'pull', 'demo', dir);
    assert.equal(refused.code, 2);
    const tar = await s.cli('templates', 'pull', 'demo', '--tar');
    assert.equal(tar.code, 0);
    assert.match(tar.stdout, /echo\.json/);
  });

  it('edit changes only the given settings and refuses no flags', async () => {
    const out = await s.ok(
      'templates',
      'edit',
      'demo',
      '--display-name',
      'Demo',
      '--default-ttl',
      '8h',
      '--allow-user-autostop=false',
    );
    assert.match(out, /^Template "demo" updated \(display_name, default_ttl_ms, allow_user_autostop\)\.\n$/);
    const t = (JSON.parse(await s.ok('templates', 'list', '-o', 'json')) as Template[])[0]!;
    assert.equal(t.display_name, 'Demo');
    assert.equal(t.default_ttl_ms, 8 * 3600_000);
    assert.equal(t.allow_user_autostop, false);
    const none = await s.cli('templates', 'edit', 'demo');
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Nothing to change/);
    const bad = await s.cli('templates', 'edit', 'demo', '--default-ttl', 'soon');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--default-ttl expects a duration/);
  });

  it('delete asks for -y without a terminal, then deletes', async () => {
    const refused = await s.cli('templates', 'delete', 'demo');
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Pass -y to confirm/);
    assert.equal(await s.ok('templates', 'delete', 'demo', '-y'), 'Template "demo" has been deleted.\n');
    const missing = await s.cli('templates', 'delete', 'demo', '-y');
    assert.equal(missing.code, 5);
  });
});
