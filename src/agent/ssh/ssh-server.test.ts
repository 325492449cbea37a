// The agent's SSH server driven by the real OpenSSH client (ssh, sftp) over loopback sockets
// injected as the tunnel would inject its streams.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
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
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: 'pipe', env });
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

/** A TCP echo server that keeps half-close: it ends its side once the client's side has ended. */
async function echoServer(): Promise<net.Server> {
  const s = net.createServer({ allowHalfOpen: true }, (c) => c.pipe(c));
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return s;
}

const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port;

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = portOf(s);
  await new Promise((r) => s.close(r));
  return p;
}

/** Sends `payload`, ends the writing side, and resolves with everything read until the far end's EOF. */
function exchange(port: number, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const c = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => c.end(payload));
    const chunks: Buffer[] = [];
    c.on('data', (d: Buffer) => chunks.push(d));
    c.on('end', () => {
      c.destroy();
      resolve(Buffer.concat(chunks));
    });
    c.on('error', reject);
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Runs `ssh -v -N` with forwarding arguments until `ready` shows in its log (the forward is in
 * place). A port found free may be taken before ssh binds it; with ExitOnForwardFailure ssh then
 * exits and the caller's next attempt picks another port.
 */
async function forwardingSsh(args: string[], ready: RegExp): Promise<ChildProcess | undefined> {
  const p = spawn(
    'ssh',
    [...sshOpts(), '-v', '-o', 'ExitOnForwardFailure=yes', '-N', ...args, 'dev@127.0.0.1'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let log = '';
  const ok = await new Promise<boolean>((resolve) => {
    p.stderr!.on('data', (d) => {
      log += d;
      if (ready.test(log)) resolve(true);
    });
    p.once('exit', () => resolve(false));
  });
  if (ok) return p;
  p.kill();
  return undefined;
}

async function withForward<T>(
  flag: '-L' | '-R',
  targetPort: number,
  fn: (listenPort: number) => Promise<T>,
): Promise<T> {
  const ready = flag === '-L' ? /Local connections to \S+ forwarded/ : /remote forward success/;
  for (let attempt = 0; ; attempt++) {
    const listen = await freePort();
    const p = await forwardingSsh([flag, `${listen}:127.0.0.1:${targetPort}`], ready);
    if (!p) {
      if (attempt < 5) continue;
      throw new Error(`ssh ${flag} did not set up its forward`);
    }
    try {
      // ssh logs the local forward just before it listens; wait until it accepts.
      while (flag === '-L' && (await refused(listen))) await sleep(20);
      return await fn(listen);
    } finally {
      p.kill();
    }
  }
}

for (const flag of ['-L', '-R'] as const) {
  test(`port forwarding ${flag} carries 8 MiB both ways; the side that ends first still gets the whole answer`, async () => {
    const echo = await echoServer();
    try {
      await withForward(flag, portOf(echo), async (listen) => {
        const payload = randomBytes(8 * 1024 * 1024);
        const back = await exchange(listen, payload);
        assert.equal(back.length, payload.length);
        assert.equal(sha(back), sha(payload));
        // Many short connections in a row, each half-closed by the connecting side first.
        for (let i = 0; i < 20; i++)
          assert.equal(String(await exchange(listen, Buffer.from(`ping ${i}`))), `ping ${i}`);
      });
    } finally {
      echo.close();
    }
  });
}

for (const flag of ['-L', '-R'] as const) {
  test(`port forwarding ${flag}: a service that speaks first and ends its side still receives the reply`, async () => {
    let received: Promise<string> | undefined;
    const service = net.createServer({ allowHalfOpen: true }, (c) => {
      c.end('banner');
      received = new Promise((resolve) => {
        let text = '';
        c.on('data', (d) => (text += d));
        c.on('end', () => resolve(text));
      });
    });
    await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
    try {
      await withForward(flag, portOf(service), async (listen) => {
        const got = await new Promise<string>((resolve, reject) => {
          const c = net.connect({ port: listen, host: '127.0.0.1', allowHalfOpen: true });
          let text = '';
          c.on('data', (d) => (text += d));
          // The service has closed its side: answer after its EOF, then end ours.
          c.on('end', () => c.end('reply after eof', () => resolve(text)));
          c.on('error', reject);
        });
        assert.equal(got, 'banner');
        assert.equal(await received, 'reply after eof');
      });
    } finally {
      service.close();
    }
  });
}

/** OpenSSH's multiplexing master: `-O forward` and `-O cancel` send tcpip-forward and its cancel. */
async function controlMaster(): Promise<{ ctl: (...args: string[]) => Promise<string>; stop(): void }> {
  const path_ = path.join(dir, `ctl-${process.pid}-${Date.now()}`);
  const master = spawn(
    'ssh',
    [...sshOpts(), '-o', 'ControlMaster=yes', '-o', `ControlPath=${path_}`, '-N', 'dev@127.0.0.1'],
    { stdio: 'ignore' },
  );
  const ctl = async (...args: string[]) => {
    const r = await run('ssh', [...sshOpts(), '-o', `ControlPath=${path_}`, ...args, 'dev@127.0.0.1']);
    if (r.code !== 0) throw new Error(`ssh ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  };
  for (let i = 0; !existsSync(path_); i++) {
    if (i > 100) throw new Error('the ssh control master did not start');
    await sleep(50);
  }
  await ctl('-O', 'check');
  return { ctl, stop: () => master.kill() };
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1', () => {
      c.destroy();
      resolve(false);
    });
    c.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

test('-R forwards added and cancelled on a live connection (tcpip-forward, cancel-tcpip-forward)', async () => {
  const echo = await echoServer();
  const master = await controlMaster();
  try {
    const listen = await freePort();
    const spec = `${listen}:127.0.0.1:${portOf(echo)}`;
    await master.ctl('-O', 'forward', '-R', spec);
    assert.equal(String(await exchange(listen, Buffer.from('before cancel'))), 'before cancel');
    // A connection made before the cancel keeps working after it, as with sshd.
    const open = net.connect({ port: listen, host: '127.0.0.1', allowHalfOpen: true });
    let echoed = '';
    open.on('data', (d) => (echoed += d));
    const ended = new Promise((r) => open.once('end', r));
    open.write('first;');
    while (echoed !== 'first;') await sleep(10);
    await master.ctl('-O', 'cancel', '-R', spec);
    assert.equal(await refused(listen), true, 'the listener is gone after cancel-tcpip-forward');
    open.end('after cancel');
    await ended;
    assert.equal(echoed, 'first;after cancel');

    // Port 0: the agent picks the port and the client learns it from the reply.
    const out = await master.ctl('-O', 'forward', '-R', `0:127.0.0.1:${portOf(echo)}`);
    const allocated = Number(/(\d+)/.exec(out)?.[1]);
    assert.ok(allocated > 0, `ssh printed the allocated port: ${out}`);
    assert.equal(String(await exchange(allocated, Buffer.from('dynamic'))), 'dynamic');
  } finally {
    master.stop();
    echo.close();
  }
});

test('agent forwarding (-A): the session reaches the client ssh-agent through SSH_AUTH_SOCK', async () => {
  const keyFile = path.join(dir, 'id_forwarded');
  assert.equal(
    (await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'forwarded-key', '-f', keyFile])).code,
    0,
  );
  const agentSock = path.join(dir, 'client-agent.sock');
  const sshAgent = spawn('ssh-agent', ['-D', '-a', agentSock], { stdio: 'ignore' });
  try {
    for (let i = 0; !existsSync(agentSock); i++) {
      if (i > 100) throw new Error('ssh-agent did not start');
      await sleep(50);
    }
    const env = { ...process.env, SSH_AUTH_SOCK: agentSock };
    const add = await run('ssh-add', [keyFile], undefined, env);
    assert.equal(add.code, 0, add.stderr);

    const r = await run(
      'ssh',
      [...sshOpts(), '-A', 'dev@127.0.0.1', 'echo "$SSH_AUTH_SOCK"; ssh-add -l'],
      undefined,
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    const [sock, listing] = r.stdout.split('\n');
    assert.match(sock!, /hangar-auth-agent-/);
    assert.match(listing!, /forwarded-key \(ED25519\)/);
    // The socket belongs to the connection and goes with it.
    for (let i = 0; existsSync(sock!); i++) {
      if (i > 100) assert.fail(`${sock} still exists after the connection closed`);
      await sleep(50);
    }

    const without = await run('ssh', [...sshOpts(), 'dev@127.0.0.1', 'ssh-add -l'], undefined, env);
    assert.equal(without.code, 2, `without -A the session has no agent: ${without.stdout}${without.stderr}`);
  } finally {
    sshAgent.kill();
  }
});
