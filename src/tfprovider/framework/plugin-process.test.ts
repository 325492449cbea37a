// The bundled provider as Terraform runs it: handshake line, mTLS certificate, clean exits,
// nothing left behind when it is killed, and a start failure Terraform can show.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { providerExecutable } from '../mirror.js';
import { providerBlock, TerraformWorkdir } from '../testing/terraform-workdir.js';
import { magicCookieKey, magicCookieValue } from './serve.js';
import { generateServerCertificate } from './tls-cert.js';

interface Started {
  line: string;
  ms: number;
  exit: Promise<{ code: number | null; signal: string | null; stderr: string }>;
  kill(signal: NodeJS.Signals): void;
}

function startProvider(env: Record<string, string>): Promise<Started> {
  const t0 = performance.now();
  const child = spawn(providerExecutable(), [], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exit = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0)
        resolve({ line: out.slice(0, nl), ms: performance.now() - t0, exit, kill: (s) => child.kill(s) });
    });
    void exit.then((e) => reject(new Error(`provider exited before the handshake: ${JSON.stringify(e)}`)));
  });
}

const cookie = { [magicCookieKey]: magicCookieValue, PLUGIN_PROTOCOL_VERSIONS: '6,5' };

test('handshake over TCP with an unpadded certificate; SIGKILL leaves no file behind', async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'hangar-tfprovider-kill-'));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const client = generateServerCertificate();
  const p = await startProvider({ ...cookie, TMPDIR: tmp, PLUGIN_CLIENT_CERT: client.certPem });
  t.diagnostic(`spawn to handshake: ${Math.round(p.ms)} ms`);
  const m = /^1\|6\|tcp\|127\.0\.0\.1:(\d+)\|grpc\|([A-Za-z0-9+/]+)$/.exec(p.line);
  assert.ok(m, `handshake line: ${p.line}`);
  const cert = new X509Certificate(Buffer.from(m[2]!, 'base64'));
  assert.equal(cert.subjectAltName, 'DNS:localhost');
  p.kill('SIGKILL');
  const e = await p.exit;
  assert.equal(e.signal, 'SIGKILL');
  assert.deepEqual(readdirSync(tmp), []);
  await assert.rejects(
    new Promise((resolve, reject) =>
      connect(Number(m[1]), '127.0.0.1').on('connect', resolve).on('error', reject),
    ),
    /ECONNREFUSED/,
  );
});

test('a unix socket (PLUGIN_UNIX_SOCKET_DIR) is removed on SIGTERM', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-tfprovider-sock-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const p = await startProvider({ ...cookie, PLUGIN_UNIX_SOCKET_DIR: dir });
  assert.match(
    p.line,
    new RegExp(`^1\\|6\\|unix\\|${dir}/hangar-tfprovider-\\w+/provider\\.sock\\|grpc\\|$`),
  );
  assert.equal(readdirSync(dir).length, 1);
  p.kill('SIGTERM');
  assert.equal((await p.exit).code, 0);
  assert.deepEqual(readdirSync(dir), []);
});

test('started by hand, the provider explains itself and exits 1', async () => {
  const child = spawn(providerExecutable(), [], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((r) => child.on('exit', r));
  assert.equal(code, 1);
  assert.match(stderr, /This binary is a plugin/);
});

test('a provider that cannot start tells the Terraform user why, not only TF_LOG', async (t) => {
  const wd = await TerraformWorkdir.create({
    'main.tf': `${providerBlock}\ndata "coder_workspace" "me" {}\n`,
  });
  t.after(() => wd.dispose());
  await wd.ok(['init']);
  const missing = join(wd.dir, 'no-such-dir');
  const plan = await wd.run(['plan'], { PLUGIN_UNIX_SOCKET_DIR: missing });
  assert.equal(plan.code, 1);
  assert.match(
    plan.stderr.replace(/\s+/g, ' '),
    new RegExp(
      `Unrecognized remote plugin message: coder provider failed to start: ENOENT.* mkdtemp '${missing}/`,
    ),
  );
});
