// The agent's SSH server driven by the real OpenSSH client (ssh, sftp) over loopback sockets
// injected as the tunnel would inject its streams.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AgentManifest } from '../../sdk/agent-api.js';
import { nopLogger } from '../../sdk/logger.js';
import { commandEnv, currentUser } from '../command-env.js';
import { AgentSshServer } from './ssh-server.js';
import { defaultSftpServerPaths } from './session.js';

let dir: string;
let server: net.Server;
let port: number;
let ssh: AgentSshServer;

const manifest = {
  agent_id: 'a',
  agent_name: 'main',
  owner_name: 'alice',
  workspace_id: 'w',
  workspace_name: 'dev',
  coder_url: 'http://127.0.0.1:1/',
  environment_variables: { GREETING: 'hello from $CODER_WORKSPACE_NAME' },
  directory: '',
  motd_file: '',
  apps: [],
  scripts: [],
  metadata: [],
} satisfies AgentManifest;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hangar-ssh-'));
  ssh = await AgentSshServer.create({
    stateDir: path.join(dir, 'state'),
    logger: nopLogger,
    user: currentUser(),
    env: () => commandEnv(manifest, 'token'),
    workingDir: async () => dir,
  });
  server = net.createServer((socket) => ssh.handle(socket));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as net.AddressInfo).port;
});
after(async () => {
  ssh.close();
  server.close();
  await rm(dir, { recursive: true, force: true });
});

const sshOpts = () => [
  '-F',
  '/dev/null',
  '-o',
  'StrictHostKeyChecking=no',
  '-o',
  'UserKnownHostsFile=/dev/null',
  '-o',
  'LogLevel=ERROR',
  '-o',
  'BatchMode=yes',
  '-p',
  String(port),
];

function run(
  cmd: string,
  args: string[],
  input?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    p.stdin.end(input ?? '');
  });
}

test('exec: stdout, stderr and the exit status come back apart', async () => {
  const r = await run('ssh', [...sshOpts(), 'dev@127.0.0.1', 'echo out; echo err >&2; exit 3']);
  assert.equal(r.stdout, 'out\n');
  assert.equal(r.stderr, 'err\n');
  assert.equal(r.code, 3);
});

test('exec: stdin reaches the command and its end (half-close) is seen', async () => {
  const r = await run('ssh', [...sshOpts(), 'dev@127.0.0.1', 'wc -c; echo done'], 'x'.repeat(100_000));
  assert.equal(r.stdout.trim().split(/\s+/).join(' '), '100000 done');
});

test('the session has the agent environment, the workspace directory, and accepted client variables', async () => {
  const r = await run('ssh', [
    ...sshOpts(),
    '-o',
    'SendEnv=LANG',
    'dev@127.0.0.1',
    'echo "$CODER|$CODER_WORKSPACE_NAME|$GREETING|$LANG|$CODER_AGENT_URL|$(pwd)"',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const lang = process.env.LANG ?? '';
  assert.equal(r.stdout.trim(), `true|dev|hello from dev|${lang}|http://127.0.0.1:1/|${dir}`);
});

test('a PTY session runs on a terminal, honours the window size, and reports the exit status', async () => {
  const r = await run('ssh', [...sshOpts(), '-tt', 'dev@127.0.0.1', 'tty; stty size; exit 7']);
  assert.match(r.stdout, /\/dev\/pts\/\d+/);
  assert.equal(r.code, 7);
});

test('sftp: put and get a file through the sftp subsystem', async () => {
  assert.ok(
    defaultSftpServerPaths.some((p) => existsSync(p)),
    'openssh-sftp-server is a test prerequisite (README); install it',
  );
  await writeFile(path.join(dir, 'local.txt'), 'payload\n');
  const batch = `put ${path.join(dir, 'local.txt')} ${path.join(dir, 'remote.txt')}\nget ${path.join(dir, 'remote.txt')} ${path.join(dir, 'back.txt')}\n`;
  const r = await run(
    'sftp',
    [...sshOpts().map((a) => (a === '-p' ? '-P' : a)), '-b', '-', 'dev@127.0.0.1'],
    batch,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await readFile(path.join(dir, 'back.txt'), 'utf8'), 'payload\n');
});

async function echoServer(): Promise<net.Server> {
  const s = net.createServer((c) => c.pipe(c));
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return s;
}

/**
 * Retries until the forward is in place: the listener may not exist yet, and with -R a connection
 * that arrives before the client has recorded the forward is refused by the client (closed empty).
 */
async function roundTrip(p: number, text: string): Promise<string> {
  for (let i = 0; ; i++) {
    const got = await new Promise<string>((resolve, reject) => {
      const c = net.connect(p, '127.0.0.1', () => c.end(text));
      let data = '';
      c.on('data', (d) => (data += d));
      c.on('end', () => resolve(data));
      c.on('error', reject);
    }).catch((err: unknown) => {
      if (i > 50) throw err;
      return '';
    });
    if (got !== '' || i > 50) return got;
    await sleep(100);
  }
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

for (const flag of ['-L'] as const) {
  test(`port forwarding ${flag} carries a round trip with half-close`, async () => {
    const echo = await echoServer();
    const echoPort = (echo.address() as net.AddressInfo).port;
    try {
      // A port found free may be taken by a parallel test before ssh binds it: with
      // ExitOnForwardFailure ssh then exits, and the test tries another port.
      for (let attempt = 0; ; attempt++) {
        const listen = await freePort();
        const p = spawn(
          'ssh',
          [
            ...sshOpts(),
            '-o',
            'ExitOnForwardFailure=yes',
            '-N',
            flag,
            `${listen}:127.0.0.1:${echoPort}`,
            'dev@127.0.0.1',
          ],
          { stdio: 'ignore' },
        );
        const exited = new Promise<'exited'>((r) => p.once('exit', () => r('exited')));
        try {
          const got = await Promise.race([roundTrip(listen, 'ping over the tunnel'), exited]);
          if (got === 'exited' && attempt < 5) continue;
          assert.equal(got, 'ping over the tunnel');
          return;
        } finally {
          p.kill();
        }
      }
    } finally {
      echo.close();
    }
  });
}
