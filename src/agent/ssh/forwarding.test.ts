// Port forwarding of the agent's SSH server driven by the real OpenSSH client: -L and -R carry
// bulk data both ways, and -R forwards can be added and cancelled on a live connection.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startAgentSsh, runProcess, type AgentSsh } from '../../../test/support/agent-ssh.js';
import { echoServer, exchange, freePort, listen, refused, sha256 } from '../../../test/support/tcp.js';

let agent: AgentSsh;
let echo: net.Server;
let echoPort: number;

before(async () => {
  agent = await startAgentSsh();
  echo = echoServer();
  echoPort = await listen(echo);
});
after(async () => {
  echo.close();
  await agent[Symbol.asyncDispose]();
});

for (const flag of ['-L', '-R'] as const) {
  test(`${flag} carries 8 MiB both ways, and many short connections in a row`, async () => {
    await agent.withForward(flag, echoPort, async (listenPort) => {
      const payload = randomBytes(8 * 1024 * 1024);
      const back = await exchange(listenPort, payload);
      assert.equal(back.length, payload.length);
      assert.equal(sha256(back), sha256(payload));
      for (let i = 0; i < 20; i++)
        assert.equal(String(await exchange(listenPort, Buffer.from(`ping ${i}`))), `ping ${i}`);
    });
  });
}

/** OpenSSH's multiplexing master: `-O forward` and `-O cancel` send tcpip-forward and its cancel. */
async function controlMaster(): Promise<{ ctl: (...args: string[]) => Promise<string>; stop(): void }> {
  const controlPath = path.join(agent.dir, `ctl-${Date.now()}`);
  const opts = [...agent.sshOpts(), '-o', `ControlPath=${controlPath}`];
  const master = spawn('ssh', [...opts, '-o', 'ControlMaster=yes', '-N', 'dev@127.0.0.1'], {
    stdio: 'ignore',
  });
  const ctl = async (...args: string[]) => {
    const r = await runProcess('ssh', [...opts, ...args, 'dev@127.0.0.1']);
    if (r.code !== 0) throw new Error(`ssh ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  };
  for (let i = 0; !existsSync(controlPath); i++) {
    if (i > 100) throw new Error('the ssh control master did not start');
    await sleep(50);
  }
  await ctl('-O', 'check');
  return { ctl, stop: () => master.kill() };
}

test('-R forwards added and cancelled on a live connection (tcpip-forward, cancel-tcpip-forward)', async () => {
  const master = await controlMaster();
  try {
    const listenPort = await freePort();
    const spec = `${listenPort}:127.0.0.1:${echoPort}`;
    await master.ctl('-O', 'forward', '-R', spec);
    assert.equal(String(await exchange(listenPort, Buffer.from('before cancel'))), 'before cancel');

    // A connection made before the cancel keeps working after it, as with sshd.
    const open = net.connect({ port: listenPort, host: '127.0.0.1', allowHalfOpen: true });
    let echoed = '';
    open.on('data', (d) => (echoed += d));
    const ended = new Promise((r) => open.once('end', r));
    open.write('first;');
    while (echoed !== 'first;') await sleep(10);
    await master.ctl('-O', 'cancel', '-R', spec);
    assert.equal(await refused(listenPort), true, 'the listener is gone after cancel-tcpip-forward');
    open.end('after cancel');
    await ended;
    assert.equal(echoed, 'first;after cancel');

    // Port 0: the agent picks the port and the client learns it from the reply.
    const out = await master.ctl('-O', 'forward', '-R', `0:127.0.0.1:${echoPort}`);
    const allocated = Number(/(\d+)/.exec(out)?.[1]);
    assert.ok(allocated > 0, `ssh printed the allocated port: ${out}`);
    assert.equal(String(await exchange(allocated, Buffer.from('dynamic'))), 'dynamic');
  } finally {
    master.stop();
  }
});
