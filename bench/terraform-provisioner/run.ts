// Terraform provisioner benchmark: a start build of a small local template (agent, apps, script,
// env, metadata, a persistent and an ephemeral terraform_data) through the provisioner, against
// the same terraform commands run bare on the same configuration and environment: with the
// provider spawned from the filesystem mirror (what a user's own terraform does) and with a
// reattached in-process provider (the provisioner's mode; its difference is Hangar's overhead).
// Rounds alternate the modes; every command is a fresh process; medians are reported.
// Run: npm run build && node dist/bench/terraform-provisioner/run.js [rounds]
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { safeDaemonEnv, buildEnv } from '../../src/provisioner/terraform/terraform-env.js';
import { cliConfigFor, providerMirrorDir } from '../../src/tfprovider/mirror.js';
import { startProviderServer } from '../../src/tfprovider/provider-server.js';
import {
  buildPayload,
  recordingContext,
  terraformJob,
  testMetadata,
  testTerraformProvisioner,
} from '../../test/support/terraform-provisioner.js';

const run = promisify(execFile);
const rounds = Number(process.argv[2] ?? 5);
const fixture = join(import.meta.dirname, '..', '..', 'src', 'provisioner', 'terraform', 'testdata', 'basic');
const params = [{ name: 'dotfiles', value: 'https://example.com/dots.git' }];
const vars = [{ name: 'replicas', value: '1' }];
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (ms: number) => `${Math.round(ms)} ms`;

const timings: Record<string, number[]> = {};
/** Per build: Hangar's own time, i.e. provision() minus its sequential terraform commands. */
const ownTime: number[] = [];
let sequential = 0;
await using tf = await testTerraformProvisioner({
  onTiming: (command, ms) => {
    (timings[command] ??= []).push(ms);
    // A graph runs beside the plan (only when not cached), so it adds no wall time of its own.
    if (command !== 'graph') sequential += ms;
  },
});

async function provisionerBuild(): Promise<number> {
  const job = await terraformJob(fixture, buildPayload({ parameters: params, variables: vars }));
  sequential = 0;
  const t0 = performance.now();
  const result = await tf.provisioner.provision(job, recordingContext().ctx);
  const ms = performance.now() - t0;
  ownTime.push(ms - sequential);
  if (!result.resources.some((r) => r.agents?.length)) throw new Error('the build returned no agent');
  return ms;
}

async function bareBuild(mode: 'spawn' | 'reattach'): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'hangar-bench-tf-'));
  await cp(fixture, dir, { recursive: true });
  const metadata = testMetadata();
  const env: Record<string, string> = {
    ...safeDaemonEnv(process.env),
    ...buildEnv(metadata, 'start', params),
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
  };
  let close = async () => {};
  if (mode === 'spawn') {
    env.TF_CLI_CONFIG_FILE = join(dir, 'cli.tfrc');
    await writeFile(env.TF_CLI_CONFIG_FILE, cliConfigFor(providerMirrorDir()));
  } else {
    const server = await startProviderServer({ env });
    env.TF_REATTACH_PROVIDERS = server.reattachProviders;
    close = () => server.close();
  }
  const out: Record<string, number> = {};
  const time = async (name: string, args: string[]) => {
    const t0 = performance.now();
    await run('terraform', args, { cwd: dir, env, maxBuffer: 64 << 20 });
    out[name] = performance.now() - t0;
  };
  try {
    const t0 = performance.now();
    await time('init', ['init', '-json', '-no-color', '-input=false']);
    await time('plan', ['plan', '-json', '-no-color', '-input=false', '-out=p.tfplan', '-var', 'replicas=1']);
    await time('apply', ['apply', '-json', '-no-color', '-auto-approve', '-input=false', 'p.tfplan']);
    out.total = performance.now() - t0;
    await time('graph', ['graph', '-type=plan']);
    await time('show', ['show', '-json', '-no-color']);
  } finally {
    await close();
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}

const cold = await provisionerBuild();
const coldOwn = ownTime.pop()!;
for (const k of Object.keys(timings)) delete timings[k];
const prov: number[] = [];
const bare: Record<'spawn' | 'reattach', Record<string, number>[]> = { spawn: [], reattach: [] };
for (let i = 0; i < rounds; i++) {
  const order = i % 2 ? (['reattach', 'prov', 'spawn'] as const) : (['prov', 'spawn', 'reattach'] as const);
  for (const mode of order) {
    if (mode === 'prov') prov.push(await provisionerBuild());
    else bare[mode].push(await bareBuild(mode));
  }
}
const col = (mode: 'spawn' | 'reattach', k: string) => median(bare[mode].map((r) => r[k]!));
console.log(`Terraform provisioner start build, ${rounds} rounds (medians); first build (cold) ${fmt(cold)}`);
console.log(`provisioner start build (provision() call):  ${fmt(median(prov))}`);
console.log(
  '  per command inside it: ' +
    Object.entries(timings)
      .map(([k, v]) => `${k} ${fmt(median(v))}`)
      .join(', '),
);
for (const mode of ['spawn', 'reattach'] as const)
  console.log(
    `bare terraform, provider ${mode === 'spawn' ? 'spawned (mirror)' : 'reattached'}: init+plan+apply ${fmt(col(mode, 'total'))} ` +
      `(init ${fmt(col(mode, 'init'))}, plan ${fmt(col(mode, 'plan'))}, apply ${fmt(col(mode, 'apply'))}; ` +
      `graph ${fmt(col(mode, 'graph'))}, show -json ${fmt(col(mode, 'show'))} not in the total)`,
  );
console.log(
  `Hangar's own time inside provision() (total minus its init, plan, apply): ${fmt(median(ownTime))} (first build: ${fmt(coldOwn)})`,
);
console.log(
  `provision() minus bare reattached init+plan+apply: ${fmt(median(prov) - col('reattach', 'total'))}`,
);
// Warm builds skip init (ADR 0030), so compare with the commands they actually run as well.
const barePlanApply = median(bare.reattach.map((r) => r.plan! + r.apply!));
console.log(`provision() minus bare reattached plan+apply: ${fmt(median(prov) - barePlanApply)}`);
console.log(
  `load average at the end: ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
