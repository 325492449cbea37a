// Issue 6: a workspace with no Node.js. The init script coderd serves downloads the standalone
// agent (a Node single executable application), checks it, and runs it; the agent connects and
// serves SSH with a PTY, whose node-pty comes out of the executable itself.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { get } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { WorkspaceAgent } from '../../src/sdk/workspaces.js';
import { eventually, insertWorkspaceWithAgent, sshThroughCoderd } from '../support/agent-workspace.js';
import { startTestCoderd, type TestCoderd } from '../support/coderd.js';
import { repoRoot } from '../support/server.js';

// What the init script and the SSH command below use; `node` is deliberately not among them.
const tools = ['sh', 'curl', 'mktemp', 'cut', 'sha256sum', 'mv', 'chmod', 'sleep', 'tty'];
const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';

let coderd: TestCoderd;
let ownerId: string;
let tmp: string;

before(async () => {
  coderd = await startTestCoderd();
  ownerId = (await (await coderd.owner()).users.get('me')).id;
  tmp = mkdtempSync(path.join(tmpdir(), 'hangar-agent-standalone-'));
});
after(async () => {
  await coderd.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A PATH of symlinks to `tools` only. */
function toolPath(): string {
  const dir = path.join(tmp, 'bin');
  mkdirSync(dir);
  for (const tool of tools) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    assert.ok(found, `${tool} is installed`);
    symlinkSync(found, path.join(dir, tool));
  }
  return dir;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

test('without node on PATH, the init script runs the standalone agent, which serves SSH with a PTY', async (t) => {
  const ws = await insertWorkspaceWithAgent(coderd.db.pool, ownerId);
  const PATH = toolPath();
  assert.notEqual(
    spawnSync('sh', ['-c', 'command -v node'], { env: { PATH } }).status,
    0,
    'node is not on PATH',
  );
  const script = path.join(tmp, 'init.sh');
  const res = await fetch(new URL(`/api/v2/init-script/linux/${arch}`, coderd.url));
  assert.equal(res.status, 200);
  writeFileSync(script, await res.text());

  const home = path.join(tmp, 'home');
  const cache = path.join(tmp, 'cache');
  const binaryDir = path.join(tmp, 'agent');
  for (const d of [home, cache, binaryDir]) mkdirSync(d);
  const started = performance.now();
  const agent = spawn('/bin/sh', [script], {
    env: { PATH, HOME: home, XDG_CACHE_HOME: cache, BINARY_DIR: binaryDir, CODER_AGENT_TOKEN: ws.token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  agent.stdout.on('data', (d) => (output += d));
  agent.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => agent.on('exit', (code) => r(code)));
  t.after(() => agent.kill('SIGKILL'));

  const state = async () =>
    (await coderd.owner()).request<WorkspaceAgent>('GET', `/workspaceagents/${ws.agentId}`);
  await Promise.race([
    eventually('the agent connected', async () => (await state()).status === 'connected', 120_000),
    exited.then((code) => assert.fail(`the init script exited (${code}):\n${output}`)),
  ]);
  t.diagnostic(`init script start to agent connected: ${Math.round(performance.now() - started)} ms`);
  // The init script exec'd the agent, so the process it started is now the executable, not node.
  assert.equal(readlinkSync(`/proc/${agent.pid}/exe`), path.join(binaryDir, `hangar-agent-linux-${arch}`));

  const owner = await coderd.owner();
  const r = await sshThroughCoderd({
    coderdUrl: coderd.url,
    sessionToken: owner.sessionToken ?? '',
    workspace: `owner/${ws.workspaceName}`,
    command: 'tty; test -t 0 && echo on-a-terminal; command -v node || echo no-node',
    sshArgs: ['-tt'],
  });
  assert.equal(r.code, 0, `${r.stdout}${r.stderr}\nagent:\n${output}`);
  assert.match(r.stdout, /^\/dev\/pts\/\d+\r?\n/);
  assert.match(r.stdout, /on-a-terminal\r?\nno-node\r?\n$/);

  // Both addons (bufferutil for ws, node-pty) were written to the cache under their own hash; the
  // PTY's is the one node_modules built.
  const addons = path.join(cache, 'hangar/agent-addons');
  const extracted = readdirSync(addons).flatMap((hash) =>
    readdirSync(path.join(addons, hash)).map((name) => {
      assert.equal(sha256(path.join(addons, hash, name)), hash, name);
      return name;
    }),
  );
  assert.deepEqual(extracted.sort(), ['bufferutil.node', 'pty.node']);
  const req = createRequire(path.join(repoRoot, 'package.json'));
  const ptyBuilt = path.join(path.dirname(req.resolve('node-pty/package.json')), 'build/Release/pty.node');
  assert.ok(readdirSync(addons).includes(sha256(ptyBuilt)));

  agent.kill('SIGTERM');
  assert.equal(await exited, 0, output);
  await eventually('disconnected', async () => (await state()).status === 'disconnected');
});

test('the standalone agent goes out gzip-compressed to clients that accept it; both forms are the checksummed bytes', async () => {
  const url = new URL(`/bin/hangar-agent-linux-${arch}`, coderd.url);
  const raw = (acceptEncoding: string) =>
    new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) =>
      get(url, { headers: { 'Accept-Encoding': acceptEncoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }),
        );
      }).on('error', reject),
    );
  const sum = (await (await fetch(`${url.href}.sha256`)).text()).split(' ')[0];
  const plain = await raw('identity');
  const zipped = await raw('br, gzip');
  const refused = await raw('gzip;q=0');
  assert.equal(plain.encoding, undefined);
  assert.equal(refused.encoding, undefined);
  assert.equal(zipped.encoding, 'gzip');
  assert.ok(
    zipped.body.length < plain.body.length / 2,
    `${zipped.body.length} of ${plain.body.length} bytes`,
  );
  for (const body of [plain.body, gunzipSync(zipped.body)])
    assert.equal(createHash('sha256').update(body).digest('hex'), sum);
});
