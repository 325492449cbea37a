// `hangar scaletest` against a real server with built-in echo daemons, driven through the CLI:
// create workspaces (kept), run their agents in process while the API shows them connected,
// clean everything up; and a run that cleans up after itself.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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

  it('simulate-agents connects every agent for the duration, then shuts them down', async () => {
    const run = s.cli('scaletest', 'simulate-agents', '--duration', '4s', '-o', 'json');
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
    for (const w of await scaletestWorkspaces())
      assert.equal(w.latest_build.resources.flatMap((x) => x.agents)[0]?.lifecycle_state, 'off');
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
