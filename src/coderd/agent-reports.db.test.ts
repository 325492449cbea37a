// The agent reports' cost at scale (ADR 0077) against real PostgreSQL: metadata of many agents
// written by one statement and announced by one hint per tick, stats inserted by one statement,
// and agent tokens of reports resolved through a cache that a workspace change empties at once
// and a TTL bounds.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { AgentClient } from '../sdk/agent-client.js';
import { nopLogger } from '../sdk/logger.js';
import type { HangarClient } from '../sdk/hangar-client.js';
import { authzStore } from '../database/authz/authz-store.js';
import { MemoryPubsub } from '../database/postgres/memory-pubsub.js';
import type { AgentMetadataValue } from '../database/queries/workspace-agents.js';
import { pgStore, type Store } from '../database/store.js';
import {
  createAgentWorkspace,
  insertNextBuild,
  type AgentWorkspace,
} from '../../test/support/agent-workspace.js';
import { expectError, startTestCoderd, type TestCoderd } from '../../test/support/coderd.js';
import { readEvents } from '../../test/support/sse.js';
import type { WorkspaceAgentMetadata } from '../sdk/workspace-agents.js';
import { agentMetadataBatcher, agentMetadataBatchChannel } from './agent-metadata-batcher.js';
import { agentStatsBatcher } from './agent-stats-batcher.js';
import { AgentTokenCache } from './agent-token-cache.js';
import { hashSecret } from './apikey.js';
import { publishWorkspaceEvent } from './workspace-events.js';

let coderd: TestCoderd;
let owner: HangarClient;
let ownerId: string;

before(async () => {
  coderd = await startTestCoderd();
  owner = await coderd.owner();
  ownerId = (await owner.users.get('me')).id;
});
after(() => coderd.close());

/** A workspace whose agent has the metadata items `keys`. */
async function agentWithMetadata(keys: string[]): Promise<AgentWorkspace> {
  const ws = await createAgentWorkspace(coderd, { ownerId });
  for (const [order, key] of keys.entries())
    await coderd.db.pool.query(
      `INSERT INTO workspace_agent_metadata (workspace_agent_id, key, display_name, script, interval_seconds,
                                             timeout_seconds, display_order)
       VALUES ($1, $2, $2, 'true', 10, 1, $3)`,
      [ws.agentId, key, order],
    );
  return ws;
}

const storedValues = async (agentId: string) =>
  (
    await coderd.db.pool.query<{ key: string; value: string }>(
      'SELECT key, value FROM workspace_agent_metadata WHERE workspace_agent_id = $1 ORDER BY key',
      [agentId],
    )
  ).rows;

/** The real store, counting the calls of `method`. */
function countingStore(method: keyof Store): { store: Store; calls: () => number } {
  const inner = authzStore(pgStore(coderd.db.pool));
  let n = 0;
  const original = inner[method] as (...args: unknown[]) => unknown;
  const store = Object.assign(Object.create(inner) as Store, {
    [method]: (...args: unknown[]) => {
      n++;
      return original.apply(inner, args);
    },
  });
  return { store, calls: () => n };
}

test('metadata of many agents: one UPDATE and one hint naming the agents per write; the size cap and close write too', async () => {
  const agents = await Promise.all([1, 2, 3].map(() => agentWithMetadata(['cpu', 'mem'])));
  const { store, calls } = countingStore('updateWorkspaceAgentMetadata');
  const pubsub = new MemoryPubsub();
  const hints: string[][] = [];
  await pubsub.subscribe(agentMetadataBatchChannel, (m) => hints.push(JSON.parse(m) as string[]));
  // No tick in this test: flushes come from the calls and the cap alone.
  const batcher = agentMetadataBatcher(store, pubsub, nopLogger, { intervalMs: 3_600_000, maxItems: 6 });
  const at = new Date();
  const value = (a: AgentWorkspace, key: string, v: string): AgentMetadataValue => ({
    agent_id: a.agentId,
    key,
    value: v,
    error: '',
    collected_at: at,
  });
  const [a, b, c] = agents as [AgentWorkspace, AgentWorkspace, AgentWorkspace];
  batcher.add([value(a, 'cpu', 'a1'), value(a, 'mem', 'a-mem')]);
  batcher.add([value(b, 'cpu', 'b1'), value(b, 'unknown-key', 'ignored')]);
  // A newer report of a key replaces the waiting one.
  batcher.add([value(a, 'cpu', 'a2')]);
  // An agent without metadata rows (or gone) is written to no row and named in no hint.
  batcher.add([{ ...value(c, 'cpu', 'x'), agent_id: randomUUID() }]);
  assert.equal(calls(), 0, 'nothing is written before the flush');
  await batcher.flush();
  assert.equal(calls(), 1, 'one statement for every waiting agent');
  assert.deepEqual(
    hints.map((h) => [...h].sort()),
    [[a.agentId, b.agentId].sort()],
  );
  assert.deepEqual(await storedValues(a.agentId), [
    { key: 'cpu', value: 'a2' },
    { key: 'mem', value: 'a-mem' },
  ]);
  assert.deepEqual(await storedValues(b.agentId), [
    { key: 'cpu', value: 'b1' },
    { key: 'mem', value: '' },
  ]);
  await batcher.flush();
  assert.equal(calls(), 1, 'an empty flush writes nothing');

  // Reaching the cap (6 values waiting) writes without waiting for the tick.
  batcher.add([value(a, 'cpu', 'a3'), value(b, 'cpu', 'b3'), value(c, 'cpu', 'c3')]);
  batcher.add([{ ...value(c, 'cpu', 'x'), agent_id: randomUUID() }, value(c, 'mem', 'c-mem')]);
  assert.equal(calls(), 1);
  batcher.add([{ ...value(c, 'cpu', 'y'), agent_id: randomUUID() }]);
  await batcher.flush();
  assert.equal(calls(), 2, 'the cap wrote all six at once');
  assert.deepEqual(await storedValues(c.agentId), [
    { key: 'cpu', value: 'c3' },
    { key: 'mem', value: 'c-mem' },
  ]);

  // Shutdown writes what is still waiting.
  batcher.add([value(c, 'mem', 'c-last')]);
  await batcher.close();
  assert.equal(calls(), 3);
  assert.equal((await storedValues(c.agentId))[1]!.value, 'c-last');
});

test('a metadata report is answered before it is written and reaches a watcher within the tick', async () => {
  const ws = await agentWithMetadata(['load']);
  const api = new AgentClient(new URL(coderd.url), ws.token);
  const watched = readEvents<WorkspaceAgentMetadata[]>(
    owner.agents.watchMetadataUrl(ws.agentId),
    owner.sessionToken!,
    (ev) => ev.some((e) => e[0]?.result.value === '0.42'),
    5_000,
  );
  const collected_at = new Date().toISOString();
  await api.postMetadata({ metadata: [{ key: 'load', value: '0.42', error: '', collected_at, age: 0 }] });
  const events = await watched;
  assert.equal(events.at(-1)![0]!.result.error, '');
  assert.deepEqual(await storedValues(ws.agentId), [{ key: 'load', value: '0.42' }]);
});

test('a report’s token stays cached until its workspace changes: a new build’s hint ends it at once', async () => {
  const ws = await agentWithMetadata(['load']);
  const api = new AgentClient(new URL(coderd.url), ws.token);
  const report = () =>
    api.postMetadata({
      metadata: [{ key: 'load', value: '1', error: '', collected_at: new Date().toISOString(), age: 0 }],
    });
  await report();
  // A newer build without this agent, written without its hint: the cached token still reports
  // (the bound is the TTL), while the routes that read the agent's row refuse it already.
  await insertNextBuild(coderd, ws.workspaceId, 'stop');
  await report();
  await expectError('unauthenticated', () => api.manifest());
  // The hint every build publishes (from any replica) empties the cache for the workspace.
  await publishWorkspaceEvent(coderd.server.coderd.pubsub, nopLogger, ws.workspaceId);
  await pollReportRefused(report);
});

async function pollReportRefused(report: () => Promise<void>): Promise<void> {
  const until = Date.now() + 5_000;
  for (;;) {
    try {
      await report();
    } catch (err) {
      assert.match(String((err as Error).message), /agent token is invalid/);
      return;
    }
    if (Date.now() > until) assert.fail('the report was still accepted 5 s after the hint');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('the token cache reads the database once per TTL, and a change it was not told about lasts at most the TTL', async () => {
  const ws = await agentWithMetadata([]);
  const hash = hashSecret(ws.token);
  const { store, calls } = countingStore('getWorkspaceAgentByAuthTokenHash');
  const ttlMs = 300;
  const cache = new AgentTokenCache(store, new MemoryPubsub(), ttlMs);
  assert.equal((await cache.get(hash))?.id, ws.agentId);
  // Once before subscribing to the workspace's hints and once after, so no change falls between.
  assert.equal(calls(), 2);
  for (let i = 0; i < 5; i++) assert.equal((await cache.get(hash))?.id, ws.agentId);
  assert.equal(calls(), 2, 'hits within the TTL read nothing');
  await insertNextBuild(coderd, ws.workspaceId, 'stop', 2);
  assert.equal((await cache.get(hash))?.id, ws.agentId, 'no hint: still cached');
  await new Promise((r) => setTimeout(r, ttlMs + 50));
  assert.equal(await cache.get(hash), undefined, 'after the TTL the token is read again and refused');
  assert.equal(cache.size, 0);
  // An unknown token is never cached.
  assert.equal(await cache.get(hashSecret(randomUUID())), undefined);
  assert.equal(cache.size, 0);
});

test('stats reports of many agents: one INSERT per write, each filed at its report time, sessions bump last_used_at', async () => {
  const [idle, busy] = (await Promise.all([1, 2].map(() => agentWithMetadata([])))) as [
    AgentWorkspace,
    AgentWorkspace,
  ];
  const longAgo = '2000-01-01T00:00:00.000Z';
  await coderd.db.pool.query('UPDATE workspaces SET last_used_at = $1 WHERE id = ANY($2::uuid[])', [
    longAgo,
    [idle.workspaceId, busy.workspaceId],
  ]);
  const { store, calls } = countingStore('insertWorkspaceAgentStats');
  const batcher = agentStatsBatcher(store, nopLogger, { intervalMs: 3_600_000, maxItems: 100 });
  const zero = {
    connections_by_proto: {},
    connection_count: 0,
    connection_median_latency_ms: 0,
    rx_packets: 0,
    rx_bytes: 0,
    tx_packets: 0,
    tx_bytes: 0,
    session_count_vscode: 0,
    session_count_jetbrains: 0,
    session_count_reconnecting_pty: 0,
    session_count_ssh: 0,
  };
  const first = new Date(Date.now() - 5_000);
  const second = new Date(Date.now() - 2_000);
  batcher.add([{ ...zero, id: randomUUID(), agent_id: idle.agentId, created_at: first, activity: false }]);
  batcher.add([{ ...zero, id: randomUUID(), agent_id: idle.agentId, created_at: second, activity: false }]);
  batcher.add([
    {
      ...zero,
      connections_by_proto: { ssh: 1 },
      connection_count: 1,
      session_count_ssh: 1,
      id: randomUUID(),
      agent_id: busy.agentId,
      created_at: second,
      activity: true,
    },
  ]);
  // A report of an agent deleted meanwhile is dropped, not an error for the others.
  batcher.add([{ ...zero, id: randomUUID(), agent_id: randomUUID(), created_at: second, activity: true }]);
  await batcher.close();
  assert.equal(calls(), 1);
  const rows = (
    await coderd.db.pool.query<{
      agent_id: string;
      created_at: Date;
      session_count_ssh: string;
      user_id: string;
    }>(
      'SELECT agent_id, created_at, session_count_ssh, user_id FROM workspace_agent_stats WHERE agent_id = ANY($1::uuid[]) ORDER BY created_at',
      [[idle.agentId, busy.agentId]],
    )
  ).rows;
  // Each row keeps the time its report came in, not the time of the write.
  const filed = rows.map(
    (r) =>
      `${r.agent_id === idle.agentId ? 'idle' : 'busy'} ${r.created_at.getTime()} ${r.session_count_ssh}`,
  );
  assert.deepEqual(filed.sort(), [
    `busy ${second.getTime()} 1`,
    `idle ${first.getTime()} 0`,
    `idle ${second.getTime()} 0`,
  ]);
  assert.ok(rows.every((r) => r.user_id === ownerId));
  const lastUsed = async (id: string) => (await owner.workspaces.get(id)).last_used_at;
  assert.equal(await lastUsed(idle.workspaceId), longAgo);
  assert.ok(Date.parse(await lastUsed(busy.workspaceId)) > Date.now() - 60_000);
});
