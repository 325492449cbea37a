// How the Terraform provisioner fails: bad templates end the job with Terraform's diagnostic in
// the logs; a canceled apply keeps its partial state; the daemon's own env never reaches Terraform.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ProvisionFailure, type JobPayload } from '../../sdk/provisioner.js';
import {
  buildPayload,
  recordingContext,
  terraformJob,
  testMetadata,
  testTerraformProvisioner,
} from '../../../test/support/terraform-provisioner.js';
import { parameterEnvName } from './terraform-env.js';

const fixture = (name: string) => join(import.meta.dirname, 'testdata', name);
const importPayload: JobPayload = {
  type: 'template_version_import',
  user_variable_values: [],
  metadata: testMetadata(),
};

async function failingImport(name: string) {
  await using tf = await testTerraformProvisioner();
  const rec = recordingContext();
  const err = await tf.provisioner.provision(await terraformJob(fixture(name), importPayload), rec.ctx).then(
    () => assert.fail('the import should fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ProvisionFailure, String(err));
  const workDirs = existsSync(join(tf.cacheDir, 'work')) ? await readdirCount(join(tf.cacheDir, 'work')) : 0;
  assert.equal(workDirs, 0, 'the job directory is removed');
  return { err, logs: rec.text() };
}

async function readdirCount(dir: string) {
  const { readdir } = await import('node:fs/promises');
  return (await readdir(dir)).length;
}

test('an HCL syntax error fails the import with Terraform’s diagnostic in the logs', async () => {
  const { err, logs } = await failingImport('syntax-error');
  assert.match(
    err.message,
    /terraform init failed: Error: (Unclosed configuration block|Argument or block definition required)/,
  );
  assert.match(logs, /\[error\] Initializing: on main\.tf line \d+/);
});

test('a template without .tf files fails clearly', async () => {
  const { err } = await failingImport('no-tf');
  assert.match(err.message, /no Terraform files/);
});

test('a failing plan fails the import with the diagnostic', async () => {
  const { err, logs } = await failingImport('failing-plan');
  assert.match(err.message, /terraform plan failed: Error: Invalid function argument/);
  assert.match(logs, /does-not-exist\.txt/);
});

test('duplicate agent names and bad or duplicate app slugs are refused', async () => {
  const dup = await failingImport('duplicate-agents');
  assert.equal(dup.err.message, 'duplicate agent name: main');
  const slug = await failingImport('bad-slug');
  assert.match(slug.err.message, /slug/i);
  assert.match(slug.logs, /Bad_Slug/);
  const dupSlug = await failingImport('duplicate-slug');
  assert.equal(dupSlug.err.message, 'duplicate app slug, they must be unique per template: "web"');
});

/** Starts the slow-apply build and waits until its local-exec runs; `stop` cancels or kills it. */
async function interruptedApply(stop: (rec: ReturnType<typeof recordingContext>) => void) {
  await using tf = await testTerraformProvisioner();
  const scratch = await mkdtemp(join(tmpdir(), 'hangar-tf-cancel-'));
  try {
    const pidFile = join(scratch, 'pid');
    const rec = recordingContext();
    const job = await terraformJob(
      fixture('slow-apply'),
      buildPayload({ variables: [{ name: 'pid_file', value: pidFile }] }),
    );
    const running = tf.provisioner.provision(job, rec.ctx);
    const deadline = Date.now() + 30_000;
    while (!existsSync(pidFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    stop(rec);
    const err = await running.then(
      () => assert.fail('the build should fail'),
      (e: unknown) => e,
    );
    assert.ok(Date.now() - t0 < 20_000, 'terraform stopped well before the sleep ended');
    assert.ok(err instanceof ProvisionFailure);
    assert.match(err.message, /terraform apply was canceled/);
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    // A moment may pass before the local-exec's process is gone (and reaped).
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (const until = Date.now() + 10_000; alive() && Date.now() < until;)
      await new Promise((r) => setTimeout(r, 50));
    assert.equal(alive(), false, 'the local-exec sleep is gone');
    return err;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

test('canceling a long apply interrupts terraform and returns the partial state', async () => {
  const err = await interruptedApply((rec) => rec.cancel());
  const state = JSON.parse(Buffer.from(err.state ?? '', 'base64').toString('utf8')) as {
    resources: { name: string; instances: { status?: string }[] }[];
  };
  const byName = new Map(state.resources.map((r) => [r.name, r.instances[0]?.status ?? 'ok']));
  assert.equal(byName.get('quick'), 'ok', 'the partial state holds what was created');
  // Interrupted while its provisioner ran: recorded as tainted, so the next build replaces it.
  assert.equal(byName.get('slow'), 'tainted');
});

test('a forced cancel kills terraform and everything it started', async () => {
  await interruptedApply((rec) => rec.kill());
});

test('CODER_* and HANGAR_* of the daemon never reach terraform; the build’s variables do', async () => {
  await using tf = await testTerraformProvisioner({
    env: { ...process.env, HANGAR_CANARY: 'leak', CODER_DONT_PASS: 'leak', CODER_WORKSPACE_NAME: 'leak' },
  });
  const scratch = await mkdtemp(join(tmpdir(), 'hangar-tf-env-'));
  try {
    const envFile = join(scratch, 'env');
    const job = await terraformJob(
      fixture('env-canary'),
      buildPayload({
        parameters: [{ name: 'color', value: 'green' }],
        variables: [{ name: 'env_file', value: envFile }],
        metadata: { workspace_name: 'canary-ws' },
      }),
    );
    await tf.provisioner.provision(job, recordingContext().ctx);
    const env = await readFile(envFile, 'utf8');
    assert.doesNotMatch(env, /leak/);
    assert.doesNotMatch(env, /HANGAR_/);
    assert.match(env, /^CODER_WORKSPACE_NAME=canary-ws$/m);
    assert.match(env, /^CODER_WORKSPACE_TRANSITION=start$/m);
    assert.match(env, /^CODER_WORKSPACE_OWNER_GROUPS=\["Everyone"\]$/m);
    assert.match(env, new RegExp(`^${parameterEnvName('color')}=green$`, 'm'));
    assert.match(env, /^CODER_AGENT_SCRIPT_linux_amd64=/m);
    assert.match(env, /^CODER_AGENT_URL=http:\/\/127\.0\.0\.1:3000\/$/m);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});

test('a build whose result is invalid after apply still returns the applied state', async () => {
  await using tf = await testTerraformProvisioner();
  const job = await terraformJob(fixture('duplicate-agents'), buildPayload());
  const err = await tf.provisioner.provision(job, recordingContext().ctx).then(
    () => assert.fail('the build should fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ProvisionFailure);
  assert.equal(err.message, 'duplicate agent name: main');
  const state = JSON.parse(Buffer.from(err.state ?? '', 'base64').toString('utf8')) as {
    resources: { type: string; instances: unknown[] }[];
  };
  assert.equal(state.resources.find((r) => r.type === 'coder_agent')?.instances.length, 2);
});
