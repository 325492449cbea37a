// The agent's SSH server driven by the real OpenSSH client (ssh, sftp) over loopback sockets
// injected as the tunnel would inject its streams. Forwarding: forwarding.test.ts.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runProcess, startAgentSsh, type AgentSsh } from '../../../test/support/agent-ssh.js';
import { startTerminal } from '../../../test/support/terminal.js';
import { defaultSftpServerPaths } from './session.js';
import { sshCiphers } from '../../sdk/ssh-ciphers.js';

let agent: AgentSsh;

before(async () => {
  agent = await startAgentSsh();
});
after(() => agent[Symbol.asyncDispose]());

test('exec: stdout, stderr and the exit status come back apart', async () => {
  const r = await agent.ssh(['echo out; echo err >&2; exit 3']);
  assert.equal(r.stdout, 'out\n');
  assert.equal(r.stderr, 'err\n');
  assert.equal(r.code, 3);
});

test('exec: stdin reaches the command and its end (half-close) is seen', async () => {
  const r = await agent.ssh(['wc -c; echo done'], 'x'.repeat(100_000));
  assert.equal(r.stdout.trim().split(/\s+/).join(' '), '100000 done');
});

test('the session has the agent environment, the workspace directory, and accepted client variables', async () => {
  const r = await runProcess('ssh', [
    ...agent.sshOpts(),
    '-o',
    'SendEnv=LANG',
    'dev@127.0.0.1',
    'echo "$CODER|$CODER_WORKSPACE_NAME|$GREETING|$LANG|$CODER_AGENT_URL|$(pwd)"',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const lang = process.env.LANG ?? '';
  assert.equal(r.stdout.trim(), `true|dev|hello from dev|${lang}|http://127.0.0.1:1/|${agent.dir}`);
});

test('a PTY session runs on a terminal, honours the window size, and reports the exit status', async () => {
  const r = await runProcess('ssh', [...agent.sshOpts(), '-tt', 'dev@127.0.0.1', 'tty; stty size; exit 7']);
  assert.match(r.stdout, /\/dev\/pts\/\d+/);
  assert.equal(r.code, 7);
});

// The python3 backend is what a workspace gets when node-pty cannot load (pty.ts).
for (const ptyBackend of ['node-pty', 'python3'] as const)
  test(`an interactive login shell on a PTY (${ptyBackend}), typed into through \`script\``, async () => {
    await using server = await startAgentSsh({ ptyBackend });
    const term = startTerminal(['ssh', ...server.sshOpts(), '-tt', 'dev@127.0.0.1'], { rows: 33, cols: 101 });
    try {
      // A marker the shell computes, so the echo of what was typed cannot match.
      term.type('tty; echo "answer-$((6*7))"\r');
      await term.waitFor(/\/dev\/pts\/\d+\r?\n(.*\r?\n)?answer-42/);
      // The terminal line discipline is on: a typed line is echoed back before it runs.
      assert.match(term.screen(), /echo "answer-\$\(\(6\*7\)\)"/);
      term.type('stty size; exit 5\r');
      assert.equal(await term.exited, 5, term.screen());
      // The session's terminal has the client's size.
      assert.match(term.screen(), /\r33 101\r\n/);
    } finally {
      term.kill();
    }
  });

test('sftp: put and get a file through the sftp subsystem', async () => {
  assert.ok(
    defaultSftpServerPaths.some((p) => existsSync(p)),
    'openssh-sftp-server is a test prerequisite (README); install it',
  );
  const dir = agent.dir;
  await writeFile(path.join(dir, 'local.txt'), 'payload\n');
  const batch = `put ${path.join(dir, 'local.txt')} ${path.join(dir, 'remote.txt')}\nget ${path.join(dir, 'remote.txt')} ${path.join(dir, 'back.txt')}\n`;
  const r = await runProcess(
    'sftp',
    [...agent.sshOpts().map((a) => (a === '-p' ? '-P' : a)), '-b', '-', 'dev@127.0.0.1'],
    batch,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await readFile(path.join(dir, 'back.txt'), 'utf8'), 'payload\n');
});

test('OpenSSH with its default ciphers negotiates AES, never the slow JavaScript chacha20-poly1305', async () => {
  // sshOpts() carries config-ssh's host options, Ciphers among them; without it OpenSSH uses its own order.
  const opts = agent.sshOpts();
  const at = opts.findIndex((o) => o.startsWith('Ciphers='));
  assert.ok(at > 0);
  const defaults = opts.filter((_, i) => i !== at && i !== at - 1);
  const r = await runProcess('ssh', [...defaults, '-v', 'dev@127.0.0.1', 'true']);
  assert.equal(r.code, 0, r.stderr);
  const chosen = [...r.stderr.matchAll(/kex: (?:server->client|client->server) cipher: (\S+)/g)].map(
    (m) => m[1],
  );
  assert.equal(chosen.length, 2, r.stderr);
  for (const c of chosen) assert.ok(sshCiphers.includes(c as never) && !c!.startsWith('chacha20'), c);
  // A client that insists on chacha20 only is refused rather than served slowly.
  const chacha = await runProcess('ssh', [
    ...defaults,
    '-o',
    'Ciphers=chacha20-poly1305@openssh.com',
    '-v',
    'dev@127.0.0.1',
    'true',
  ]);
  assert.notEqual(chacha.code, 0);
  assert.match(chacha.stderr, /no matching cipher/);
  // With the host options config-ssh writes and `hangar ssh` passes: AES-GCM both ways.
  const configured = await runProcess('ssh', [...opts, '-v', 'dev@127.0.0.1', 'true']);
  assert.equal(configured.code, 0, configured.stderr);
  assert.deepEqual(
    [...configured.stderr.matchAll(/kex: (?:server->client|client->server) cipher: (\S+)/g)].map((m) => m[1]),
    ['aes128-gcm@openssh.com', 'aes128-gcm@openssh.com'],
  );
});
