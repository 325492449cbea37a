// Issue 6, bad input and security: what agent tokens and user tokens may do, who may open streams
// to an agent, which TCP targets are refused, and what a broken tunnel peer costs (its own
// connection, never the server or other agents). A real in-process coderd and real agents.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { SessionTokenHeader } from '../sdk/headers.js';
import type { HangarClient } from '../sdk/hangar-client.js';
import type { Logger } from '../sdk/logger.js';
import { dialRawUpgrade, TunnelError } from '../sdk/tunnel/index.js';
import type { WorkspaceAgent } from '../sdk/workspaces.js';
import {
  createAgentWorkspace,
  eventually,
  insertNextBuild,
  insertWorkspaceWithAgent,
  startAgent,
  type AgentWorkspace,
} from '../../test/support/agent-workspace.js';
import { startTestCoderd, type TestCoderd } from '../../test/support/coderd.js';
import { echoServer, listen } from '../../test/support/tcp.js';
import { Agent } from './agent.js';

let coderd: TestCoderd;
let owner: HangarClient;
let ws: AgentWorkspace;
let agent: Agent & AsyncDisposable;

before(async () => {
  coderd = await startTestCoderd();
  owner = await coderd.owner();
  ws = await insertWorkspaceWithAgent(coderd.db.pool, (await owner.users.get('me')).id);
  agent = await startAgent(coderd, ws);
});
after(async () => {
  await agent?.close();
  await coderd.close();
});

const api = (path: string, token: string) =>
  fetch(new URL(`/api/v2${path}`, coderd.url), { headers: { [SessionTokenHeader]: token } });

function tunnel(client: HangarClient | string, agentId: string, target: string) {
  const token = typeof client === 'string' ? client : client.sessionToken!;
  return dialRawUpgrade(
    new URL(`/api/v2/workspaceagents/${agentId}/tunnel?target=${encodeURIComponent(target)}`, coderd.url),
    {
      headers: { [SessionTokenHeader]: token },
    },
  );
}

/** The refusal of a tunnel that must not open: its HTTP status and message. */
async function refusal(opening: Promise<unknown>): Promise<{ status: number; text: string }> {
  const err = await opening.then(
    () => assert.fail('the stream opened'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof TunnelError && err.refusal, String(err));
  return { status: err.refusal.status, text: `${err.message} ${JSON.stringify(err.refusal.body)}` };
}

/** A logger that counts the agent's "retrying" warnings. */
function countingLogger(): Logger & { retries: number } {
  const l = {
    retries: 0,
    debug() {},
    info() {},
    error() {},
    warn(_o: unknown, msg?: string) {
      if (typeof msg === 'string' && msg.includes('retrying')) l.retries++;
    },
    child: () => l,
  };
  return l as unknown as Logger & { retries: number };
}

test('a wrong or superseded agent token is 401; an agent holding one retries with backoff, not in a loop', async () => {
  // Superseded: the workspace was stopped (build 2), so build 1's token no longer authenticates.
  const old = await createAgentWorkspace(coderd, { ownerId: (await owner.users.get('me')).id });
  assert.equal((await api('/workspaceagents/me/manifest', old.token)).status, 200);
  await insertNextBuild(coderd, old.workspaceId, 'stop');
  for (const token of [old.token, randomUUID()]) {
    const res = await api('/workspaceagents/me/manifest', token);
    assert.equal(res.status, 401);
    assert.match(((await res.json()) as { message: string }).message, /agent token/);
  }
  // The agent's default backoff (250 ms doubling, full jitter, up to 10 s): a handful of tries in
  // 3 s, where a spinning client would make thousands.
  const logger = countingLogger();
  const stale = new Agent({ url: new URL(coderd.url), token: old.token, logger });
  stale.start();
  await sleep(3_000);
  await stale.close();
  assert.ok(logger.retries >= 2 && logger.retries <= 10, `${logger.retries} attempts in 3 s`);
});

test('an agent token cannot call user APIs, and a user token cannot act as an agent', async () => {
  for (const path of ['/users/me', `/workspaceagents/${ws.agentId}`, `/workspaces/${ws.workspaceId}`])
    assert.equal((await api(path, ws.token)).status, 401, `agent token on ${path}`);
  assert.equal((await refusal(tunnel(ws.token, ws.agentId, 'ssh'))).status, 401);
  for (const path of ['/workspaceagents/me/manifest', '/workspaceagents/me/rpc'])
    assert.equal((await api(path, owner.sessionToken!)).status, 401, `user token on ${path}`);
});

test("a user cannot open SSH, ports or listening-ports of another user's workspace (404)", async () => {
  const { client: mallory } = await coderd.newUser('mallory');
  const echo = echoServer();
  const port = await listen(echo);
  try {
    for (const target of ['ssh', `tcp:127.0.0.1:${port}`]) {
      const r = await refusal(tunnel(mallory, ws.agentId, target));
      assert.equal(r.status, 404, `${target}: ${r.text}`);
    }
    assert.equal(
      (await api(`/workspaceagents/${ws.agentId}/listening-ports`, mallory.sessionToken!)).status,
      404,
    );
    // The owner reaches the same port: the 404 was about who asked.
    const s = await tunnel(owner, ws.agentId, `tcp:127.0.0.1:${port}`);
    s.end('ping');
    const [echoed] = (await once(s, 'data')) as [Buffer];
    assert.equal(echoed.toString(), 'ping');
  } finally {
    echo.close();
  }
});

test('port forwards to the agent’s ports below 9 or to other hosts are refused, by coderd and by the agent', async () => {
  for (const [target, reason] of [
    ['tcp:127.0.0.1:1', /port 1 is reserved/],
    ['tcp:localhost:8', /port 8 is reserved/],
    ['tcp:10.20.30.40:80', /only the workspace's own ports/],
    ['tcp:example.com:443', /only the workspace's own ports/],
    ['tcp:[fe80::1]:22', /only the workspace's own ports/],
  ] as const) {
    const r = await refusal(tunnel(owner, ws.agentId, target));
    assert.equal(r.status, 400, target);
    assert.match(r.text, reason);
    // The agent refuses it too, should a stream reach it some other way (a relay, an older coderd).
    await assert.rejects(coderd.server.coderd.agentConnections.openLocal(ws.agentId, target), reason);
  }
});

test('malformed or oversized tunnel input closes only that connection: the server and other agents carry on', async () => {
  // An over-long target never reaches the agent.
  assert.equal((await refusal(tunnel(owner, ws.agentId, `tcp:${'a'.repeat(2000)}:80`))).status, 400);

  // A second "agent" speaks garbage on its control connection.
  const rogue = await createAgentWorkspace(coderd, { ownerId: (await owner.users.get('me')).id });
  const status = async (id: string) =>
    (await owner.request<WorkspaceAgent>('GET', `/workspaceagents/${id}`)).status;
  for (const [name, message] of [
    ['a short frame', Buffer.from([3, 0, 0])],
    ['an unknown frame type', Buffer.from([99, 0, 0, 0, 1])],
    ['a message over the 4 MiB limit', Buffer.alloc((4 << 20) + 1)],
  ] as const) {
    const socket = new WebSocket(
      new URL('/api/v2/workspaceagents/me/rpc', coderd.url.replace(/^http/, 'ws')),
      {
        headers: { [SessionTokenHeader]: rogue.token },
        perMessageDeflate: false,
      },
    );
    socket.on('error', () => {});
    await once(socket, 'open');
    await eventually('the rogue agent connected', async () => (await status(rogue.agentId)) === 'connected');
    socket.send(message);
    const [code] = (await once(socket, 'close')) as [number];
    assert.ok(code === 1002 || code === 1009, `${name}: closed with ${code}`);
    await eventually(
      `the rogue agent disconnected after ${name}`,
      async () => (await status(rogue.agentId)) === 'disconnected',
    );
  }
  // The real agent never noticed, and SSH through coderd still works.
  assert.equal(await status(ws.agentId), 'connected');
  const ssh = await tunnel(owner, ws.agentId, 'ssh');
  const [banner] = (await once(ssh, 'data')) as [Buffer];
  assert.match(banner.toString(), /^SSH-2\.0-Hangar/);
  ssh.destroy();
  assert.equal((await api('/buildinfo', owner.sessionToken!)).status, 200);
});
