// `hangar scaletest` against a real server with built-in echo daemons, driven through the CLI:
// create workspaces (kept), run their agents in process while the API shows them connected,
// send traffic through them, clean everything up; and a run that cleans up after itself.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { once } from 'node:events';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HangarClient } from '../../src/sdk/hangar-client.js';
import type { Workspace } from '../../src/sdk/workspaces.js';
import type { MetricSummary } from '../../src/cli/scaletest/metrics.js';
import { ownerClient, startCliSession, type CliSession } from '../support/cli-session.js';

let s: CliSession;
let client: HangarClient;

const metric = (rows: MetricSummary[], name: string) => {
  const row = rows.find((r) => r.metric === name);
  assert.ok(row, `no "${name}" in ${JSON.stringify(rows)}`);
  return row;
};

async function scaletestWorkspaces(): Promise<Workspace[]> {
  return (await client.workspaces.list({ q: 'name:scaletest-' })).workspaces;
}

describe('hangar scaletest', { timeout: 180_000 }, () => {
  before(async () => {
    s = await startCliSession();
    client = await ownerClient(s);
  });
  after(() => s.stop());

  it('create-workspaces --no-cleanup builds N workspaces for N new users and reports latencies', async () => {
    const rows = JSON.parse(
      await s.ok(
        'scaletest',
        'create-workspaces',
        '--count',
        '4',
        '--concurrency',
        '2',
        '--no-cleanup',
        '-o',
        'json',
      ),
    ) as MetricSummary[];
    for (const name of ['create user', 'create workspace', 'build', 'user to running workspace']) {
      const row = metric(rows, name);
      assert.equal(row.count, 4, name);
      assert.equal(row.errors, 0, name);
      assert.ok(row.p50_ms! > 0 && row.p50_ms! <= row.p95_ms! && row.p95_ms! <= row.max_ms!, name);
    }
    const workspaces = await scaletestWorkspaces();
    assert.equal(workspaces.length, 4);
    assert.equal(new Set(workspaces.map((w) => w.owner_name)).size, 4, 'one user each');
    for (const w of workspaces) {
      assert.equal(w.latest_build.status, 'running');
      assert.equal(w.template_name, 'scaletest-echo');
    }
  });

  it('simulate-agents connects every agent, reports metadata and logs with their latencies, then shuts them down', async () => {
    const run = s.cli('scaletest', 'simulate-agents', '--duration', '6s', '-o', 'json');
    // While it runs, the deployment sees every agent connected and ready.
    const allUp = async () =>
      (await scaletestWorkspaces()).every((w) =>
        w.latest_build.resources
          .flatMap((r) => r.agents)
          .every((a) => a.status === 'connected' && a.lifecycle_state === 'ready'),
      );
    let seen = false;
    for (let i = 0; i < 40 && !seen; i++) {
      seen = await allUp();
      if (!seen) await sleep(100);
    }
    assert.ok(seen, 'the agents were connected during the run');
    const r = await run;
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as MetricSummary[];
    assert.deepEqual([metric(rows, 'agent connected').count, metric(rows, 'agent connected').errors], [4, 0]);
    assert.equal(metric(rows, 'unplanned disconnects').errors, 0);
    assert.equal(metric(rows, 'agent shutdown').count, 4);
    // Every agent API call was timed: start-up calls once per agent, then metadata and logs.
    assert.equal(metric(rows, 'agent API, start-up: GET manifest').count, 4);
    assert.equal(metric(rows, 'agent API, start-up: POST startup').errors, 0);
    const metadataPosts = rows
      .filter((x) => x.metric.endsWith(': POST metadata'))
      .reduce((n, x) => (assert.equal(x.errors, 0), n + x.count), 0);
    assert.ok(metadataPosts >= 4, `each agent reported its metadata (${metadataPosts} posts)`);
    const logs = metric(rows, 'agent API, steady: PATCH logs');
    assert.ok(logs.count >= 2 && logs.errors === 0, JSON.stringify(logs));
    const steady = metric(rows, 'agent API, steady (all calls)');
    assert.ok(
      steady.count >= logs.count && steady.errors === 0 && steady.p95_ms! > 0,
      JSON.stringify(steady),
    );
    for (const w of await scaletestWorkspaces()) {
      const agent = w.latest_build.resources.flatMap((x) => x.agents)[0]!;
      assert.equal(agent.lifecycle_state, 'off');
      // Both metadata items carry a made-up value now.
      const res = await fetch(client.agents.watchMetadataUrl(agent.id), {
        headers: { 'Coder-Session-Token': client.sessionToken! },
      });
      const reader = res.body!.getReader();
      let text = '';
      while (!/^data: .*\n/m.test(text)) text += new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
      const items = JSON.parse(/^data: (.*)$/m.exec(text)![1]!) as { result: { value: string } }[];
      assert.deepEqual(
        items.map((i) => i.result.value.split(' ')[0]),
        ['load', 'memory'],
      );
    }
  });

  it('workspace-traffic sends web-terminal, SSH and app traffic at the set rate through the simulated agents', async () => {
    const agents = s.cli(
      'scaletest',
      'simulate-agents',
      '--duration',
      '30s',
      '--log-lines',
      '0',
      '-o',
      'json',
    );
    const up = async () =>
      (await scaletestWorkspaces()).every((w) =>
        w.latest_build.resources.flatMap((x) => x.agents).every((a) => a.status === 'connected'),
      );
    for (let i = 0; i < 100 && !(await up()); i++) await sleep(100);
    // The "app": an echo server on the agents' host (they run in the simulate-agents process here).
    const echo = net.createServer((c) => c.pipe(c));
    echo.listen(0, '127.0.0.1');
    await once(echo, 'listening');
    const appPort = String((echo.address() as net.AddressInfo).port);
    try {
      const rate = [
        '--bytes-per-tick',
        '256',
        '--ticks-per-second',
        '10',
        '--duration',
        '2s',
        '--concurrency',
        '2',
      ];
      for (const [mode, extra] of [
        ['web terminal', []],
        ['ssh', ['--ssh']],
        ['app', ['--app-port', appPort]],
      ] as const) {
        const r = await s.cli('scaletest', 'workspace-traffic', ...rate, ...extra, '-o', 'json');
        assert.equal(r.code, 0, `${mode}: ${r.stderr}`);
        const rows = JSON.parse(r.stdout) as MetricSummary[];
        assert.deepEqual(
          [metric(rows, `${mode}: connect`).count, metric(rows, `${mode}: connect`).errors],
          [2, 0],
          mode,
        );
        const trip = metric(rows, `${mode}: echo round trip (bytes echoed)`);
        // 2 connections × 10 ticks/s × 2 s, 256 bytes each, every one echoed back.
        assert.deepEqual([trip.count, trip.errors, trip.bytes], [40, 0, 40 * 256], mode);
        assert.ok(trip.p50_ms! > 0 && trip.p50_ms! <= trip.p95_ms!, mode);
      }
    } finally {
      echo.close();
    }
    const bad = await s.cli('scaletest', 'workspace-traffic', '--ticks-per-second', '0');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--ticks-per-second expects a whole number from 1 to 100/);
    const r = await agents;
    assert.equal(r.code, 0, r.stderr);
  });

  it("dashboard loads the pages' API calls at the set rate and reports each page", async () => {
    const rows = JSON.parse(
      await s.ok('scaletest', 'dashboard', '--rate', '12', '--duration', '2s', '-o', 'json'),
    ) as MetricSummary[];
    // 24 page views over the 6 pages (the workspace page too: scale-test workspaces exist).
    assert.equal(rows.length, 6);
    assert.equal(
      rows.reduce((n, r) => n + r.count, 0),
      24,
    );
    for (const r of rows) {
      assert.deepEqual([r.count, r.errors], [4, 0], r.metric);
      assert.ok(r.p50_ms! > 0 && r.p50_ms! <= r.max_ms!, r.metric);
    }
  });

  it('cleanup deletes the workspaces, the users and the template', async () => {
    const rows = JSON.parse(await s.ok('scaletest', 'cleanup', '-o', 'json')) as MetricSummary[];
    assert.equal(metric(rows, 'delete workspace').count, 4);
    assert.equal(metric(rows, 'delete user').count, 4);
    assert.equal(metric(rows, 'delete template').count, 1);
    assert.deepEqual(await scaletestWorkspaces(), []);
    const users = (await client.users.list()).users.map((u) => u.username);
    assert.deepEqual(
      users.filter((u) => u.startsWith('scaletest-')),
      [],
    );
    await assert.rejects(client.templates.getByName('default', 'scaletest-echo'));
  });

  it('create-workspaces without --no-cleanup leaves nothing behind; bad counts are usage errors', async () => {
    const rows = JSON.parse(
      await s.ok('scaletest', 'create-workspaces', '--count', '2', '-o', 'json'),
    ) as MetricSummary[];
    assert.equal(metric(rows, 'build').count, 2);
    assert.equal(metric(rows, 'delete workspace').count, 2);
    assert.equal(metric(rows, 'delete user').count, 2);
    assert.deepEqual(await scaletestWorkspaces(), []);
    const bad = await s.cli('scaletest', 'create-workspaces', '--count', '0');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--count expects a whole number from 1 to 10000, got "0"/);
  });
});
