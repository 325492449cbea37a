// Workspace build benchmark: `POST /users/me/workspaces` → build succeeded for the `local` starter
// template, through a real `hangar server` (one built-in daemon, real Terraform, the real agent),
// split into queueing, the provisioner's run, and Hangar's overhead against the same Terraform
// commands (plan + apply, reattached provider) run bare on the same configuration in this run.
// Needs a PostgreSQL: HANGAR_TEST_POSTGRES_URL (as the tests use).
// Run: npm run build && node dist/bench/workspace-build/run.js [rounds]
import { execFile } from 'node:child_process';
import { chmod, cp, mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { ownerClient } from '../../test/support/provisioner.js';
import { packTemplateDirectory } from '../../src/sdk/template-archive.js';
import type { WorkspaceBuild } from '../../src/sdk/workspaces.js';
import { buildEnv, safeDaemonEnv } from '../../src/provisioner/terraform/terraform-env.js';
import { startProviderServer } from '../../src/tfprovider/provider-server.js';
import { repoRoot, startTestServer } from '../../test/support/server.js';
import { testMetadata } from '../../test/support/terraform-provisioner.js';

const run = promisify(execFile);
const rounds = Number(process.argv[2] ?? 7);
const templateDir = join(repoRoot, 'examples', 'templates', 'local');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (n: number) => `${Math.round(n)} ms`;
const workspacesDir = await mkdtemp(join(tmpdir(), 'hangar-bench-ws-'));
// Workspace users (the template runs each as its own user when root) must reach their homes.
await chmod(workspacesDir, 0o711);

await using server = await startTestServer({ extraArgs: ['--provisioner-daemons', '1'] });
const client = await ownerClient(server.url);

async function waitJob(get: () => Promise<WorkspaceBuild>): Promise<WorkspaceBuild> {
  for (;;) {
    const b = await get();
    if (b.job.completed_at) {
      if (b.job.status !== 'succeeded') {
        const logs = await client.workspaces.buildLogs(b.id);
        const tail = logs.filter((l) => l.log_level === 'error' || l.log_level === 'warn').slice(-10);
        throw new Error(
          `build ${b.job.status}: ${b.job.error ?? ''}\n${tail.map((l) => l.output).join('\n')}`,
        );
      }
      return b;
    }
    await sleep(5);
  }
}

// Push the template once (not timed).
const { hash } = await client.templates.uploadFile(await packTemplateDirectory(templateDir));
let version = await client.templates.createVersion('default', {
  file_id: hash,
  user_variable_values: [{ name: 'workspaces_dir', value: workspacesDir }],
});
while (!version.job.completed_at) {
  await sleep(50);
  version = await client.templates.version(version.id);
}
if (version.job.status !== 'succeeded')
  throw new Error(`template import ${version.job.status}: ${version.job.error}`);
const template = await client.templates.create('default', { name: 'local', template_version_id: version.id });

async function hangarBuild(i: number) {
  const t0 = performance.now();
  const ws = await client.workspaces.create('me', {
    template_id: template.id,
    name: i < 0 ? 'bench-warm' : `bench-${i}`,
    rich_parameter_values: [{ name: 'shell', value: 'sh' }],
  });
  const b = await waitJob(() => client.workspaces.build(ws.latest_build.id));
  const total = performance.now() - t0;
  const job = b.job;
  const queued = Date.parse(job.started_at!) - Date.parse(job.created_at);
  const running = Date.parse(job.completed_at!) - Date.parse(job.started_at!);
  // Clean up (not timed): the agent process and the home go with the workspace.
  const del = await client.workspaces.createBuild(ws.id, { transition: 'delete' });
  await waitJob(() => client.workspaces.build(del.id));
  return { total, queued, running };
}

/** The Terraform commands a warm build runs (plan + apply), bare, on a copy of the template. */
async function bareTerraform(i: number) {
  const dir = await mkdtemp(join(tmpdir(), 'hangar-bench-bare-'));
  await cp(templateDir, dir, { recursive: true });
  const env: Record<string, string> = {
    ...safeDaemonEnv(process.env),
    ...buildEnv(testMetadata({ workspace_name: `bare-${i}`, coder_url: server.url }), 'start', [
      { name: 'shell', value: 'sh' },
    ]),
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
  };
  const provider = await startProviderServer({ env });
  env.TF_REATTACH_PROVIDERS = provider.reattachProviders;
  const tf = (args: string[]) => run('terraform', args, { cwd: dir, env, maxBuffer: 64 << 20 });
  const vars = ['-var', `workspaces_dir=${workspacesDir}`];
  try {
    await tf(['init', '-input=false', '-no-color']);
    const t0 = performance.now();
    await tf(['plan', '-json', '-no-color', '-input=false', '-out=p.tfplan', ...vars]);
    await tf(['apply', '-json', '-no-color', '-auto-approve', '-input=false', 'p.tfplan']);
    const total = performance.now() - t0;
    // Tear down what the apply made (its agent process, its home), not timed.
    await tf(['apply', '-destroy', '-auto-approve', '-input=false', '-no-color', ...vars]);
    return total;
  } finally {
    await provider.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await hangarBuild(-1); // warm-up: caches, JIT, the agent bundle download path
const hangar: { total: number; queued: number; running: number }[] = [];
const bare: number[] = [];
for (let i = 0; i < rounds; i++) {
  if (i % 2) bare.push(await bareTerraform(i));
  hangar.push(await hangarBuild(i));
  if (!(i % 2)) bare.push(await bareTerraform(i));
}
const total = median(hangar.map((h) => h.total));
const tfAlone = median(bare);
console.log(`Workspace create → build succeeded, local template, ${rounds} rounds (medians)`);
console.log(
  `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}; load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(
  `create → succeeded:           ${ms(total)}  (p max ${ms(Math.max(...hangar.map((h) => h.total)))})`,
);
console.log(`  queued (posted → acquired): ${ms(median(hangar.map((h) => h.queued)))}`);
console.log(`  provisioner run:            ${ms(median(hangar.map((h) => h.running)))}`);
console.log(`terraform alone (plan+apply): ${ms(tfAlone)}`);
console.log(`Hangar overhead (create → succeeded minus terraform alone): ${ms(total - tfAlone)}`);
await rm(workspacesDir, { recursive: true, force: true });
