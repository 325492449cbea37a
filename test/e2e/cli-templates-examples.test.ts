// The starter templates in examples/templates: every one parses as HCL and is `terraform fmt`
// clean; `local` also initializes and validates against the bundled provider with no network, and
// runs its whole lifecycle (start, stop, start, delete) with real processes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse } from '@cdktf/hcl2json';
import { parameterEnv } from '../../src/tfprovider/coder/env.js';
import { TerraformWorkdir } from '../../src/tfprovider/testing/terraform-workdir.js';
import { repoRoot } from '../support/server.js';

const run = promisify(execFile);
const examplesDir = path.join(repoRoot, 'examples/templates');
const exampleIds = readdirSync(examplesDir);

function tfFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tf'));
}

/** Alive and not a zombie (this machine's init may not reap orphans). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('template examples', () => {
  it('ships local, docker and kubernetes, each with a README saying what it needs', () => {
    assert.deepEqual([...exampleIds].sort(), ['docker', 'kubernetes', 'local']);
    for (const id of exampleIds) {
      const readme = readFileSync(path.join(examplesDir, id, 'README.md'), 'utf8');
      assert.match(readme, /^---\ndisplay_name: .+\ndescription: .+\n/, `${id}/README.md front matter`);
    }
    for (const id of ['docker', 'kubernetes']) {
      assert.match(readFileSync(path.join(examplesDir, id, 'README.md'), 'utf8'), /internet access/);
    }
  });

  it('every example parses as HCL and uses the coder provider', async () => {
    for (const id of exampleIds) {
      const files = tfFiles(path.join(examplesDir, id));
      assert.ok(files.length > 0, `${id} has .tf files`);
      for (const f of files) {
        const json = (await parse(f, await readFile(path.join(examplesDir, id, f), 'utf8'))) as {
          terraform?: { required_providers?: Record<string, { source: string }>[] }[];
          resource?: Record<string, unknown>;
        };
        const providers = json.terraform?.[0]?.required_providers?.[0] ?? {};
        assert.equal(providers.coder?.source, 'coder/coder', `${id}/${f}`);
        assert.ok(json.resource?.coder_agent, `${id}/${f} defines an agent`);
      }
    }
    await assert.rejects(parse('bad.tf', 'resource "x" {'));
  });

  it('is formatted as terraform fmt writes it', async () => {
    await run('terraform', ['fmt', '-check', '-recursive', '-diff', examplesDir]);
  });

  it('local initializes and validates offline with the bundled provider', async (t) => {
    const wd = await TerraformWorkdir.create({});
    t.after(() => wd.dispose());
    await cp(path.join(examplesDir, 'local'), wd.dir, { recursive: true });
    await wd.ok(['init', '-input=false']);
    assert.match(await wd.ok(['validate']), /The configuration is valid/);
  });

  it('local runs the agent only while started and keeps the home until delete', async (t) => {
    const base = await mkdtemp(path.join(tmpdir(), 'hangar-local-ws-'));
    t.after(() => rm(base, { recursive: true, force: true }));
    await chmod(base, 0o755); // As root, the workspace user must reach its home inside.
    // The agent stands in for the real one: it records who it runs as, then waits.
    const initScript =
      '#!/bin/sh\nid -un > "$HOME/agent-user"\necho "$CODER_AGENT_TOKEN" > "$HOME/agent-token"\nexec sleep 600\n';
    const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
    const env = {
      CODER_AGENT_URL: 'http://127.0.0.1:1/',
      [`CODER_AGENT_SCRIPT_linux_${arch}`]: initScript,
      CODER_WORKSPACE_BUILD_ID: 'b0000000-0000-4000-8000-000000000001',
      CODER_WORKSPACE_ID: `w${Date.now()}`,
      CODER_WORKSPACE_NAME: 'Dev-Box',
      CODER_WORKSPACE_OWNER: "o'brien",
      CODER_WORKSPACE_OWNER_ID: 'u0000000-0000-4000-8000-000000000001',
      CODER_WORKSPACE_TEMPLATE_ID: 't0000000-0000-4000-8000-000000000001',
      CODER_WORKSPACE_TEMPLATE_NAME: 'local',
      CODER_WORKSPACE_TEMPLATE_VERSION: 'v1',
      [parameterEnv('shell')]: 'sh',
      [parameterEnv('dotfiles_uri')]: '',
    };
    const wd = await TerraformWorkdir.create({}, env);
    await cp(path.join(examplesDir, 'local'), wd.dir, { recursive: true });
    await writeFile(path.join(wd.dir, 'terraform.tfvars'), `workspaces_dir = ${JSON.stringify(base)}\n`);
    t.after(async () => {
      await wd.run(['destroy', '-auto-approve']);
      await wd.dispose();
    });
    await wd.ok(['init', '-input=false']);
    const apply = (transition: string) =>
      wd.ok(['apply', '-auto-approve', '-input=false'], { CODER_WORKSPACE_TRANSITION: transition });
    const show = async () =>
      JSON.parse(await wd.ok(['show', '-json'])) as {
        values?: { root_module?: { resources?: { address: string; values: Record<string, unknown> }[] } };
      };
    const resources = async () =>
      new Map((await show()).values?.root_module?.resources?.map((r) => [r.address, r.values]) ?? []);

    await apply('start');
    let state = await resources();
    const home = (state.get('terraform_data.home')!.output as { home: string; user: string }).home;
    const user = (state.get('terraform_data.home')!.output as { user: string }).user;
    const pidFile = (state.get('terraform_data.agent[0]')!.output as { pid_file: string }).pid_file;
    assert.match(user, /^hw-o-brien-dev-box-[0-9a-f]{6}$/);
    assert.equal(home, path.join(base, user));
    const metadata = state.get('coder_metadata.home')!.item as { key: string; value: string }[];
    assert.deepEqual(metadata.find((i) => i.key === 'home')?.value, home);
    const pid = Number(await readFile(pidFile, 'utf8'));
    assert.ok(running(pid), 'the agent runs after start');
    const token = state.get('coder_agent.main')!.token as string;
    for (let i = 0; i < 50 && !existsSync(path.join(home, 'agent-token')); i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.equal((await readFile(path.join(home, 'agent-token'), 'utf8')).trim(), token);
    const asRoot = process.getuid?.() === 0;
    const expectedUser = asRoot ? user : (await run('id', ['-un'])).stdout.trim();
    assert.equal((await readFile(path.join(home, 'agent-user'), 'utf8')).trim(), expectedUser);
    assert.equal((await stat(home)).mode & 0o777, 0o700);
    await writeFile(path.join(home, 'keep-me'), 'work');

    await apply('stop');
    state = await resources();
    assert.equal(state.has('terraform_data.agent[0]'), false);
    assert.equal(running(pid), false, 'stop ends the agent');
    assert.equal(existsSync(pidFile), false);
    assert.equal(await readFile(path.join(home, 'keep-me'), 'utf8'), 'work', 'stop keeps the home');

    await apply('start');
    const pid2 = Number(await readFile(pidFile, 'utf8'));
    assert.notEqual(pid2, pid);
    assert.ok(running(pid2));
    assert.equal(await readFile(path.join(home, 'keep-me'), 'utf8'), 'work', 'same home after a restart');

    await wd.ok(['destroy', '-auto-approve', '-input=false'], { CODER_WORKSPACE_TRANSITION: 'stop' });
    assert.equal(running(pid2), false, 'delete ends the agent');
    assert.equal(existsSync(home), false, 'delete removes the home');
    if (asRoot) await assert.rejects(run('id', [user]), 'delete removes the user');
  });
});
