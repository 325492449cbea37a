// Agent forwarding (ssh -A) with the real OpenSSH client and a real ssh-agent on the client side.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runProcess, startAgentSsh } from '../../../test/support/agent-ssh.js';

async function until(what: string, fn: () => boolean): Promise<void> {
  for (let i = 0; !fn(); i++) {
    if (i > 100) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

test('-A: the session reaches the client’s ssh-agent through SSH_AUTH_SOCK, which goes with the connection', async () => {
  await using agent = await startAgentSsh();
  const keyFile = path.join(agent.dir, 'id_forwarded');
  const keygen = await runProcess('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'forwarded-key',
    '-f',
    keyFile,
  ]);
  assert.equal(keygen.code, 0, keygen.stderr);
  const agentSock = path.join(agent.dir, 'client-agent.sock');
  const sshAgent = spawn('ssh-agent', ['-D', '-a', agentSock], { stdio: 'ignore' });
  try {
    await until('ssh-agent to listen', () => existsSync(agentSock));
    const env = { ...process.env, SSH_AUTH_SOCK: agentSock };
    const add = await runProcess('ssh-add', [keyFile], undefined, env);
    assert.equal(add.code, 0, add.stderr);

    const without = await agent.ssh(['ssh-add -l'], undefined, env);
    assert.equal(without.code, 2, `without -A the session has no agent: ${without.stdout}${without.stderr}`);

    const forwarded = await runProcess(
      'ssh',
      [...agent.sshOpts(), '-A', 'dev@127.0.0.1', 'echo "$SSH_AUTH_SOCK"; ssh-add -l'],
      undefined,
      env,
    );
    assert.equal(forwarded.code, 0, forwarded.stderr);
    const [sock, listing] = forwarded.stdout.split('\n');
    assert.match(sock!, /hangar-auth-agent-/);
    assert.match(listing!, /forwarded-key \(ED25519\)/);
    await until(`${sock} to be removed after the connection closed`, () => !existsSync(sock!));
  } finally {
    sshAgent.kill();
  }
});
