// The web terminal end to end: a WebSocket client (as the dashboard's xterm.js would be) through
// a real coderd to a real agent running a shell on a pseudo-terminal.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { startTestCoderd, type TestCoderd } from '../../../test/support/coderd.js';
import {
  createAgentWorkspace,
  startAgent,
  type AgentWorkspace,
} from '../../../test/support/agent-workspace.js';
import { openTerminal as openTerminalAt, ptyUrl as terminalUrl } from '../../../test/support/web-terminal.js';

let coderd: TestCoderd;
let ownerId: string;
let ownerToken: string;

before(async () => {
  coderd = await startTestCoderd();
  const owner = await coderd.owner();
  ownerId = (await owner.users.get('me')).id;
  ownerToken = owner.sessionToken!;
});
after(() => coderd.close());

const ptyUrl = (ws: AgentWorkspace, reconnect: string, query: Record<string, string> = {}) =>
  terminalUrl(coderd.url, ws.agentId, reconnect, query);

const openTerminal = (url: string, headers: Record<string, string> = {}) =>
  openTerminalAt(url, { 'Coder-Session-Token': ownerToken, ...headers });

/** The HTTP status a refused handshake got. */
function handshakeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => reject(new Error('the handshake was accepted')));
    ws.once('error', () => {});
  });
}

test('type, resize, disconnect, reattach with the same id and see the earlier output', async () => {
  const ws = await createAgentWorkspace(coderd, { ownerId });
  await using _agent = await startAgent(coderd, ws);
  const id = randomUUID();

  const t1 = await openTerminal(ptyUrl(ws, id));
  t1.type('echo answer-$((6*7))\r');
  await t1.waitFor(/answer-42/);
  t1.resize(40, 132);
  t1.type('stty size\r');
  await t1.waitFor(/40 132/);
  await t1.close();

  // Reattach: the earlier output is replayed, and the same shell keeps running.
  const t2 = await openTerminal(ptyUrl(ws, id));
  await t2.waitFor(/answer-42[\s\S]*40 132/);
  t2.type('echo again-$((1+1))\r');
  await t2.waitFor(/again-2/);
  await t2.close();

  // Another id is another session: nothing of the first is replayed.
  const t3 = await openTerminal(ptyUrl(ws, randomUUID(), { command: 'echo fresh-$((2*3)); sleep 30' }));
  await t3.waitFor(/fresh-6/);
  assert.doesNotMatch(t3.output(), /answer-42/);
  await t3.close();
});

test('a session whose command exits ends the WebSocket; a session left alone past the timeout is gone', async () => {
  const ws = await createAgentWorkspace(coderd, { ownerId });
  await using _agent = await startAgent(coderd, ws, { reconnectingPtyTimeoutMs: 300 });
  const exiting = await openTerminal(ptyUrl(ws, randomUUID(), { command: 'echo bye-$((3*3))' }));
  assert.equal(await exiting.closed, 1000);
  assert.match(exiting.output(), /bye-9/);

  const id = randomUUID();
  const t1 = await openTerminal(ptyUrl(ws, id));
  t1.type('echo before-$((5*5))\r');
  await t1.waitFor(/before-25/);
  await t1.close();
  await sleep(800);
  const t2 = await openTerminal(ptyUrl(ws, id));
  t2.type('echo after-$((4*4))\r');
  await t2.waitFor(/after-16/);
  assert.doesNotMatch(t2.output(), /before-25/, 'the timed-out session was replaced by a new one');
  await t2.close();
});

test('the terminal is refused to other origins, to other users (404) and without a reconnect id', async () => {
  const ws = await createAgentWorkspace(coderd, { ownerId });
  await using _agent = await startAgent(coderd, ws);
  const url = ptyUrl(ws, randomUUID());
  // A page elsewhere cannot use the visitor's cookie (cross-site WebSocket hijacking).
  assert.equal(
    await handshakeStatus(url, {
      Cookie: `coder_session_token=${ownerToken}`,
      Origin: 'http://evil.example',
    }),
    403,
  );
  const other = await coderd.newUser(`pty-${randomUUID().slice(0, 6)}`);
  assert.equal(await handshakeStatus(url, { 'Coder-Session-Token': other.client.sessionToken! }), 404);
  assert.equal(await handshakeStatus(url, {}), 401);
  const noId = new URL(url);
  noId.searchParams.delete('reconnect');
  assert.equal(await handshakeStatus(noId.toString(), { 'Coder-Session-Token': ownerToken }), 400);

  // The dashboard's own origin with the session cookie works.
  const t = await openTerminal(url, {
    'Coder-Session-Token': '',
    Cookie: `coder_session_token=${ownerToken}`,
    Origin: new URL(coderd.url).origin,
  });
  t.type('echo cookie-$((2+2))\r');
  await t.waitFor(/cookie-4/);
  await t.close();
});
