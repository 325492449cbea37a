// Benchmark of the coder Terraform provider (src/tfprovider), run from a built tree:
//   npm run build && node bench/tfprovider/run.mjs [rounds]
// Measures (1) provider start: spawn -> handshake line, against bare `node -e 0`; (2) whole
// terraform commands with the provider spawned per phase (Terraform's default), with one
// long-lived provider Terraform reattaches to (TF_REATTACH_PROVIDERS), and the baseline of
// bare Terraform (terraform_data only, no external provider). Modes alternate within each
// round, every command runs in a fresh process, and medians are reported.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '../..');
const dist = (rel) => import(path.join(root, 'dist/src/tfprovider', rel));
const { cliConfigFor, providerExecutable, providerMirrorDir } = await dist('mirror.js');
const { startProviderServer } = await dist('provider-server.js');
const { magicCookieKey, magicCookieValue } = await dist('framework/serve.js');
const { generateServerCertificate } = await dist('framework/tls-cert.js');
const run = promisify(execFile);
const rounds = Number(process.argv[2] ?? 3);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function timeSpawn(cmd, args, env, untilLine) {
  const t0 = performance.now();
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((resolve) => {
    if (untilLine) child.stdout.once('data', resolve);
    child.on('exit', resolve);
  });
  const ms = performance.now() - t0;
  child.kill('SIGTERM');
  await new Promise((r) =>
    child.exitCode !== null || child.signalCode !== null ? r() : child.on('exit', r),
  );
  return ms;
}

const coderConfig = `terraform {
  required_providers {
    coder = { source = "coder/coder", version = ">= 2.0" }
  }
}
data "coder_workspace" "me" {}
data "coder_parameter" "cpus" {
  name    = "cpus"
  type    = "number"
  default = "2"
}
resource "coder_agent" "main" {
  os   = "linux"
  arch = "amd64"
}
resource "coder_app" "code" {
  agent_id = coder_agent.main.id
  slug     = "code"
  url      = "http://localhost:13337"
}
resource "terraform_data" "machine" {
  count = data.coder_workspace.me.start_count
  input = "\${coder_agent.main.token}-\${data.coder_parameter.cpus.value}"
}
`;
const bareConfig = `resource "terraform_data" "agent" {
  input = "agent"
}
resource "terraform_data" "machine" {
  input = terraform_data.agent.id
}
`;

const commands = [
  ['plan', ['plan', '-no-color']],
  ['apply', ['apply', '-auto-approve', '-no-color']],
  ['show -json', ['show', '-json']],
  ['apply (no changes)', ['apply', '-auto-approve', '-no-color']],
  ['destroy', ['destroy', '-auto-approve', '-no-color']],
];

async function commandTimes(mode) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hangar-tfbench-'));
  const env = {
    ...process.env,
    TF_CLI_CONFIG_FILE: path.join(dir, 'cli.tfrc'),
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    CODER_WORKSPACE_ID: 'bench',
  };
  writeFileSync(env.TF_CLI_CONFIG_FILE, cliConfigFor(providerMirrorDir()));
  writeFileSync(path.join(dir, 'main.tf'), mode === 'bare' ? bareConfig : coderConfig);
  let server;
  if (mode === 'reattach') {
    server = await startProviderServer({ env: { CODER_WORKSPACE_ID: 'bench' } });
    env.TF_REATTACH_PROVIDERS = server.reattachProviders;
  }
  const times = {};
  try {
    let t = performance.now();
    await run('terraform', ['init', '-no-color'], { cwd: dir, env });
    times.init = performance.now() - t;
    for (const [name, args] of commands) {
      t = performance.now();
      await run('terraform', args, { cwd: dir, env, maxBuffer: 64 << 20 });
      times[name] = performance.now() - t;
    }
  } finally {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return times;
}

// 1. Start-up.
const handshakeEnv = {
  PATH: process.env.PATH,
  [magicCookieKey]: magicCookieValue,
  PLUGIN_PROTOCOL_VERSIONS: '5,6',
  PLUGIN_CLIENT_CERT: generateServerCertificate().certPem,
};
const nodeStarts = [];
const providerStarts = [];
for (let i = 0; i < rounds * 5; i++) {
  nodeStarts.push(await timeSpawn(process.execPath, ['-e', '0'], process.env, false));
  providerStarts.push(await timeSpawn(providerExecutable(), [], handshakeEnv, true));
}

// 2. Whole commands, modes alternating.
const modes = ['spawn', 'reattach', 'bare'];
const samples = Object.fromEntries(modes.map((m) => [m, []]));
for (let r = 0; r < rounds; r++) {
  const order = r % 2 ? [...modes].reverse() : modes;
  for (const mode of order) samples[mode].push(await commandTimes(mode));
}

const fmt = (ms) => `${Math.round(ms)} ms`;
console.log(`# tfprovider benchmark: ${os.cpus().length} cores, Node ${process.version}, ${rounds} rounds\n`);
console.log(`node -e 0: median ${fmt(median(nodeStarts))}`);
console.log(
  `provider spawn -> handshake: median ${fmt(median(providerStarts))} (min ${fmt(Math.min(...providerStarts))}, max ${fmt(Math.max(...providerStarts))})\n`,
);
console.log('| command | spawned provider | reattached server | bare terraform | reattach / spawn |');
console.log('|---|---|---|---|---|');
for (const name of ['init', ...commands.map((c) => c[0])]) {
  const m = Object.fromEntries(modes.map((mode) => [mode, median(samples[mode].map((s) => s[name]))]));
  console.log(
    `| ${name} | ${fmt(m.spawn)} | ${fmt(m.reattach)} | ${fmt(m.bare)} | ${(m.reattach / m.spawn).toFixed(2)} |`,
  );
}
