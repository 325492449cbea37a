// The agent's dial-back endpoint (ADR 0053) against a real coderd: a dial-back attaches only to a
// stream coderd is waiting for, for the agent that presents its own token, once; everything else
// is refused before any byte is spliced.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AgentClient } from '../sdk/agent-client.js';
import { SessionTokenHeader } from '../sdk/headers.js';
import { dialRawUpgrade, TunnelError } from '../sdk/tunnel/index.js';
import { createAgentWorkspace, type AgentWorkspace } from '../../test/support/agent-workspace.js';
import { startTestCoderd, type TestCoderd } from '../../test/support/coderd.js';
import { httpRequest } from '../../test/support/http-request.js';
import { DialbackTickets } from './agent-dialback.js';

let t: TestCoderd;
let mine: AgentWorkspace;
let other: AgentWorkspace;

before(async () => {
  t = await startTestCoderd();
  const ownerId = (await (await t.owner()).users.get('me')).id;
  mine = await createAgentWorkspace(t, { ownerId, name: 'mine' });
  other = await createAgentWorkspace(t, { ownerId, name: 'other' });
});
after(() => t.close());

const dialBack = (stream: string, token: string) =>
  dialRawUpgrade(new AgentClient(t.url, token).dialbackUrl(stream), {
    headers: { [SessionTokenHeader]: token },
  });

async function refusal(p: Promise<unknown>): Promise<number | undefined> {
  const err = await p.then(
    () => assert.fail('the dial-back was accepted'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof TunnelError, String(err));
  return err.refusal?.status;
}

test('a dial-back attaches once, only to the stream coderd asked that agent for', async () => {
  const tickets = t.server.coderd.agentConnections.dialbacks;
  const ticket = tickets.issue(mine.agentId);

  // Another agent holding the id, a user's token, and a made-up id are all refused.
  assert.equal(await refusal(dialBack(ticket.id, other.token)), 404);
  const owner = await t.owner();
  assert.equal(await refusal(dialBack(ticket.id, owner.sessionToken!)), 401);
  assert.equal(await refusal(dialBack('A'.repeat(24), mine.token)), 404);
  // Refusals did not use the ticket up.
  assert.equal(tickets.size, 1);

  // Without the raw Upgrade it is a plain 400, and the ticket still waits.
  const plain = await httpRequest(new AgentClient(t.url, mine.token).dialbackUrl(ticket.id).toString(), {
    headers: { [SessionTokenHeader]: mine.token },
  });
  assert.equal(plain.status, 400);
  assert.equal(tickets.size, 1);

  const back = await dialBack(ticket.id, mine.token);
  const coderdSide = await ticket.socket;
  assert.equal(tickets.size, 0);
  back.write('from the agent');
  const [got] = (await once(coderdSide, 'data')) as [Buffer];
  assert.equal(got.toString(), 'from the agent');
  // Half-close carries over: the agent's end reaches coderd as an end, and coderd can still write.
  back.end();
  await once(coderdSide, 'end');
  coderdSide.end('reply after EOF');
  const chunks: Buffer[] = [];
  back.on('data', (d: Buffer) => chunks.push(d));
  await once(back, 'end');
  assert.equal(Buffer.concat(chunks).toString(), 'reply after EOF');

  // Used once: the same id is refused now.
  assert.equal(await refusal(dialBack(ticket.id, mine.token)), 404);
});

test('a ticket expires, and a cancelled one is refused', async () => {
  const tickets = new DialbackTickets(50);
  const expiring = tickets.issue('agent-a');
  await assert.rejects(expiring.socket, /did not dial back within/);
  assert.equal(tickets.claim(expiring.id, 'agent-a'), undefined);

  const cancelled = tickets.issue('agent-a');
  cancelled.cancel('the client went away');
  await assert.rejects(cancelled.socket, /the client went away/);
  assert.equal(tickets.claim(cancelled.id, 'agent-a'), undefined);

  // Through the server: an id whose wait ended is a 404 like any unknown one.
  const live = t.server.coderd.agentConnections.dialbacks.issue(mine.agentId);
  live.cancel('the stream was not opened');
  await sleep(10);
  assert.equal(await refusal(dialBack(live.id, mine.token)), 404);
});
