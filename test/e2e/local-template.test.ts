// The `local` starter template on real Terraform, our coder provider and the real agent, driven
// through the hangar CLI as a user would: push, create, stop, start, update, restart, delete, and
// a cancel in the middle of an apply.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HangarClient } from '../../src/sdk/hangar-client.js';
import type { Workspace } from '../../src/sdk/workspaces.js';
import { ownerClient, startCliSession, type CliSession } from '../support/cli-session.js';
import { waitForValue } from '../support/wait.js';

let s: CliSession;
let client: HangarClient;
let workspacesDir: string;
let templateDir: string;

async function workspace(name: string): Promise<Workspace> {
  return client.workspaces.getByOwnerAndName('me', name);
}

const eventually = waitForValue;

/** The one agent of the workspace's latest build, once it reports connected and ready. */
async function readyAgent(name: string) {
  return eventually(`the agent of ${name} to connect`, async () => {
    const agent = (await workspace(name)).latest_build.resources.flatMap((r) => r.agents)[0];
    return agent?.status === 'connected' && agent.lifecycle_state === 'ready' ? agent : undefined;
  });
}

/** The workspace's home directory (the template names it after owner, workspace and id). */
async function homeOf(name: string): Promise<string> {
  const home = (await workspace(name)).latest_build.resources
    .find((r) => r.name === 'home')
    ?.metadata.find((m) => m.key === 'home')?.value;
  assert.ok(home, 'the home resource shows its path as metadata');
  return home;
}

/**
 * The pid of the workspace's agent, from the pid file the template names after the workspace's
 * Unix user (its home's basename). As root the run directory is shared with other runs, so the
 * file is picked by name, never by being the only one.
 */
async function agentPid(name: string): Promise<number | undefined> {
  const runDir = process.getuid?.() === 0 ? '/run/hangar-local-workspaces' : path.join(workspacesDir, '.run');
  const file = path.join(runDir, `${path.basename(await homeOf(name))}.pid`);
  if (!existsSync(file)) return undefined;
  return Number((await readFile(file, 'utf8')).trim());
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the local template on real Terraform', { timeout: 600_000 }, () => {
  before(async () => {
    s = await startCliSession();
    client = await ownerClient(s);
    workspacesDir = await mkdtemp(path.join(tmpdir(), 'hangar-local-ws-'));
    // As root each workspace runs as its own user, who must be able to reach its home.
    await chmod(workspacesDir, 0o711);
    templateDir = path.join(await mkdtemp(path.join(tmpdir(), 'hangar-local-tpl-')), 'local');
    await s.ok('templates', 'init', '--id', 'local', templateDir);
  });
  after(async () => {
    // A failed test must not leave an agent (or, as root, a Unix user) behind.
    for (const w of (await client.workspaces.list().catch(() => ({ workspaces: [] }))).workspaces)
      await s.cli('delete', w.name, '-y');
    await s.stop();
  });

  it('push imports the template with its parameters and the workspaces_dir variable', async () => {
    const out = await s.ok(
      'templates',
      'push',
      'local',
      '-d',
      templateDir,
      '--var',
      `workspaces_dir=${workspacesDir}`,
      '-y',
    );
    assert.match(out, /Template "local" (created|updated)/);
    const t = await client.templates.getByName('default', 'local');
    const params = await client.templates.versionParameters(t.active_version_id);
    assert.deepEqual(
      params.map((p) => p.name),
      ['shell', 'dotfiles_uri'],
    );
    const resources = await client.templates.versionResources(t.active_version_id);
    assert.ok(resources.some((r) => r.agents.some((a) => a.name === 'main')));
  });

  it('create builds the workspace and its agent connects; stop ends the agent and keeps the home', async () => {
    const created = await s.ok('create', 'dev', '-t', 'local', '--parameter', 'shell=bash', '-y');
    assert.match(created, /Workspace "dev" is running/);
    const agent = await readyAgent('dev');
    assert.equal(agent.name, 'main');
    const home = await homeOf('dev');
    await writeFile(path.join(home, 'notes.txt'), 'kept across stop\n');
    const pid = await eventually('the agent pid file', () => agentPid('dev'));
    assert.ok(alive(pid));

    assert.match(await s.ok('stop', 'dev', '-y'), /Workspace "dev" is stopped/);
    await eventually('the agent to exit', async () => (alive(pid) ? undefined : true), 10_000);
    assert.equal(await readFile(path.join(home, 'notes.txt'), 'utf8'), 'kept across stop\n');
    assert.equal((await workspace('dev')).latest_build.status, 'stopped');
  });

  it('start brings the agent back on the same home; update and restart keep it', async () => {
    assert.match(await s.ok('start', 'dev'), /Workspace "dev" is running/);
    await readyAgent('dev');
    const home = await homeOf('dev');
    assert.equal(await readFile(path.join(home, 'notes.txt'), 'utf8'), 'kept across stop\n');

    await writeFile(path.join(templateDir, 'README.md'), '# local, second version\n');
    await s.ok(
      'templates',
      'push',
      'local',
      '-d',
      templateDir,
      '--var',
      `workspaces_dir=${workspacesDir}`,
      '-y',
    );
    assert.equal((await workspace('dev')).outdated, true);
    assert.match(await s.ok('update', 'dev'), /is running/);
    assert.equal((await workspace('dev')).outdated, false);
    await readyAgent('dev');

    assert.match(await s.ok('restart', 'dev', '-y'), /is running/);
    await readyAgent('dev');
    assert.equal(await homeOf('dev'), home);
  });

  it('delete destroys everything: agent, home, and the state is empty', async () => {
    const home = await homeOf('dev');
    const pid = (await agentPid('dev'))!;
    await s.ok('delete', 'dev', '-y');
    await eventually('the agent to exit', async () => (alive(pid) ? undefined : true), 10_000);
    assert.equal(existsSync(home), false, 'the home directory is removed on delete');
    assert.equal(
      (await client.workspaces.list({ q: 'name:dev' })).count,
      0,
      'a deleted workspace is gone from the list',
    );
  });

  it('a running apply can be canceled; the build ends canceled and keeps its partial state', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hangar-slow-tpl-'));
    await writeFile(
      path.join(dir, 'main.tf'),
      `terraform {
  required_providers {
    coder = { source = "coder/coder" }
  }
}
data "coder_workspace" "me" {}
resource "terraform_data" "fast" {
  input = data.coder_workspace.me.name
}
resource "terraform_data" "slow" {
  count      = data.coder_workspace.me.start_count
  depends_on = [terraform_data.fast]
  provisioner "local-exec" {
    command = "sleep 60"
  }
}
`,
    );
    await s.ok('templates', 'push', 'slow', '-d', dir, '-y');
    const t = await client.templates.getByName('default', 'slow');
    const ws = await client.workspaces.create('me', { template_id: t.id, name: 'slow' });
    const build = ws.latest_build;
    await eventually('the apply to reach the sleep', async () => {
      const logs = await client.workspaces.buildLogs(build.id);
      return logs.some((l) => /terraform_data\.slow\[0\]: Provisioning/.test(l.output)) ? true : undefined;
    });
    const started = Date.now();
    await client.workspaces.cancelBuild(build.id);
    const done = await eventually('the build to end', async () => {
      const b = await client.workspaces.build(build.id);
      return b.job.completed_at ? b : undefined;
    });
    assert.equal(done.status, 'canceled');
    assert.ok(Date.now() - started < 20_000, 'terraform stopped well before its sleep ended');
    const state = JSON.parse(Buffer.from(await client.workspaces.buildState(build.id)).toString('utf8')) as {
      resources: { type: string; name: string }[];
    };
    assert.ok(
      state.resources.some((r) => r.name === 'fast'),
      'the resource created before the cancel is in the kept state',
    );
    await s.ok('delete', 'slow', '-y');
  });
});
