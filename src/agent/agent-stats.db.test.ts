// Issue 6, stats: a real agent reports connection counts, bytes and open sessions on the interval
// coderd sets (--agent-stats-refresh-interval, shortened here), and an SSH session through coderd
// bumps the workspace's last_used_at while an idle agent does not.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SessionTokenHeader } from '../sdk/headers.js';
import type { HangarClient } from '../sdk/hangar-client.js';
import {
  eventually,
  insertWorkspaceWithAgent,
  sshThroughCoderd,
  startAgent,
  type AgentWorkspace,
} from '../../test/support/agent-workspace.js';
import { startTestCoderd, type TestCoderd } from '../../test/support/coderd.js';
import type { Agent } from './agent.js';

const intervalMs = 300;

let coderd: TestCoderd;
let owner: HangarClient;
let ws: AgentWorkspace;
let agent: Agent & AsyncDisposable;

interface StatsRow {
  created_at: Date;
  connections_by_proto: Record<string, number>;
  connection_count: string;
  rx_bytes: string;
  tx_bytes: string;
  session_count_ssh: string;
  user_id: string;
  workspace_id: string;
  template_id: string;
}

const rows = async () =>
  (
    await coderd.db.pool.query<StatsRow>(
      'SELECT * FROM workspace_agent_stats WHERE agent_id = $1 ORDER BY created_at',
      [ws.agentId],
    )
  ).rows;
const lastUsed = async () => Date.parse((await owner.workspaces.get(ws.workspaceId)).last_used_at);

before(async () => {
  coderd = await startTestCoderd({ agentStatsRefreshIntervalMs: intervalMs });
  owner = await coderd.owner();
  ws = await insertWorkspaceWithAgent(coderd.db.pool, (await owner.users.get('me')).id);
  await coderd.db.pool.query(`UPDATE workspaces SET last_used_at = '2000-01-01T00:00:00Z' WHERE id = $1`, [
    ws.workspaceId,
  ]);
  agent = await startAgent(coderd, ws);
});
after(async () => {
  await agent?.close();
  await coderd.close();
});

test('an idle agent reports on the server’s interval, filed under its workspace, and is not activity', async () => {
  await eventually('five reports', async () => (await rows()).length >= 5);
  const r = await rows();
  const gaps = r.slice(1).map((x, i) => x.created_at.getTime() - r[i]!.created_at.getTime());
  const median = gaps.sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
  assert.ok(
    median >= intervalMs * 0.8 && median < intervalMs * 5,
    `median gap ${median} ms for ${intervalMs} ms`,
  );
  assert.equal(r[0]!.workspace_id, ws.workspaceId);
  assert.equal(r[0]!.template_id, ws.templateId);
  assert.ok(r.every((x) => x.session_count_ssh === '0'));
  assert.equal(await lastUsed(), Date.parse('2000-01-01T00:00:00Z'), 'no session, no activity');
});

test('an SSH session shows in the reports (connection, bytes, session) and bumps last_used_at', async () => {
  const startedAt = Date.now();
  const r = await sshThroughCoderd({
    coderdUrl: coderd.url,
    sessionToken: owner.sessionToken!,
    workspace: `owner/${ws.workspaceName}`,
    // 200 kB out of the workspace, and a session that stays open over a few reports.
    command: `head -c 150000 /dev/zero | base64; sleep ${(intervalMs * 4) / 1000}`,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.length > 200_000);
  const endedAt = Date.now();
  await eventually('a report after the session', async () =>
    (await rows()).some((x) => x.created_at.getTime() > endedAt && x.session_count_ssh === '0'),
  ).catch(async (err: Error) => {
    const last = (await rows()).slice(-3);
    throw new Error(`${err.message}; the last reports: ${JSON.stringify(last)}`);
  });
  const during = (await rows()).filter((x) => x.created_at.getTime() >= startedAt - intervalMs);
  assert.ok(
    during.some((x) => Number(x.session_count_ssh) >= 1),
    'a report saw the SSH session open',
  );
  assert.ok(during.some((x) => (x.connections_by_proto.ssh ?? 0) >= 1 && Number(x.connection_count) >= 1));
  const tx = during.reduce((n, x) => n + Number(x.tx_bytes), 0);
  const rx = during.reduce((n, x) => n + Number(x.rx_bytes), 0);
  assert.ok(tx > 200_000, `tx ${tx} bytes`);
  assert.ok(rx > 0, `rx ${rx} bytes`);
  const used = await lastUsed();
  assert.ok(used >= startedAt - 1_000 && used <= Date.now(), `last_used_at ${new Date(used).toISOString()}`);
});

test('a malformed stats report is a 400 naming the field; only an agent token may report', async () => {
  const post = (token: string, body: unknown) =>
    fetch(new URL('/api/v2/workspaceagents/me/report-stats', coderd.url), {
      method: 'POST',
      headers: { [SessionTokenHeader]: token, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  const bad = await post(ws.token, { rx_bytes: -1 });
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(await bad.json()), /rx_bytes/);
  assert.equal((await post(owner.sessionToken!, {})).status, 401);
  const ok = await post(ws.token, {});
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { report_interval: intervalMs * 1e6 });
});
