// Issue 6: `ssh -R` connections closed before their data arrived. ssh2 sends CLOSE as soon as the
// server's side of a channel ends, so whatever the client still had to send was dropped: the side
// that half-closed first got a truncated or empty answer. -L had the same fault the other way round.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { startAgentSsh, type AgentSsh } from '../../../test/support/agent-ssh.js';
import { echoServer, exchange, listen } from '../../../test/support/tcp.js';

let agent: AgentSsh;
before(async () => {
  agent = await startAgentSsh();
});
after(() => agent[Symbol.asyncDispose]());

for (const flag of ['-R', '-L'] as const) {
  test(`${flag}: the connecting side half-closes first and still gets the whole answer`, async () => {
    const echo = echoServer();
    try {
      await agent.withForward(flag, await listen(echo), async (port) => {
        const payload = Buffer.alloc(2 * 1024 * 1024, 'x');
        assert.equal((await exchange(port, payload)).length, payload.length);
      });
    } finally {
      echo.close();
    }
  });

  test(`${flag}: a service that speaks first and ends its side still receives the reply`, async () => {
    let received: Promise<string> | undefined;
    const service = net.createServer({ allowHalfOpen: true }, (c) => {
      c.end('banner');
      received = new Promise((resolve) => {
        let text = '';
        c.on('data', (d) => (text += d));
        c.on('end', () => resolve(text));
      });
    });
    try {
      await agent.withForward(flag, await listen(service), async (port) => {
        const got = await new Promise<string>((resolve, reject) => {
          const c = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
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
