// Two replicas on one database, each with its own scheduler ticking every 200 ms and one built-in
// echo daemon: every due workspace gets exactly one autostop and one autostart build, initiated
// by its owner with Coder's reasons, and no tick is run by both replicas.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkspaceBuild } from '../../sdk/workspaces.js';
import { withActor } from '../../database/authz/actor-context.js';
import { systemActors } from '../../database/authz/actors.js';
import type { TickStats } from './lifecycle-executor.js';
import { createTestDatabase } from '../../../test/support/postgres.js';
import { ownerClient, startReplica } from '../../../test/support/provisioner.js';
import {
  insertEchoTemplate,
  insertEchoVersion,
  promoteVersion,
} from '../../../test/support/template-rows.js';

const intervalMs = 200;
const ttlMs = 2_000;
/** Enough for autostart, the TTL's autostop and the ticks after it, with room for a slow machine. */
const quietWindowMs = 20_000;

test(
  'two replicas: each due workspace gets exactly one autostop and one autostart build',
  { timeout: 120_000 },
  async () => {
    await using db = await createTestDatabase();
    const values = { autobuildPollIntervalMs: intervalMs };
    const a = await startReplica(db.url, 1, {}, values);
    const b = await startReplica(db.url, 1, {}, values);
    try {
      const owner = await ownerClient(a.url);
      const me = await owner.users.get('me');
      const org = (await owner.organizations())[0]!.id;
      const echo = { start: { stages: [{ stage: 'Applying', logs: ['up'] }] } };
      const tpl = await insertEchoTemplate(db.pool, {
        organizationId: org,
        createdBy: me.id,
        echo,
        // The template's default TTL becomes each workspace's, so its start builds get a deadline.
        settings: { default_ttl: BigInt(ttlMs) * 1_000_000n },
      });
      const startedAt = Date.now();
      const names = ['sched-1', 'sched-2', 'sched-3', 'sched-always'];
      const created = await Promise.all(
        names.map((name) =>
          owner.workspaces.create('me', {
            template_id: tpl.templateId,
            name,
            autostart_schedule: 'CRON_TZ=UTC * * * * *',
            automatic_updates: name === 'sched-always' ? 'always' : 'never',
          }),
        ),
      );
      // A new version is promoted while they run: only the workspace that asked for automatic
      // updates autostarts on it; the others keep the version they were built with.
      const v2 = await insertEchoVersion(
        db.pool,
        { organizationId: org, createdBy: me.id, echo },
        tpl.templateId,
      );
      await promoteVersion(db.pool, tpl.templateId, v2);

      const builds = async (id: string): Promise<WorkspaceBuild[]> =>
        (await owner.workspaces.builds(id)).sort((x, y) => x.build_number - y.build_number);
      const waitFor = async (what: string, ok: () => Promise<boolean>, ms = 30_000) => {
        const until = Date.now() + ms;
        while (!(await ok())) {
          if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
          await sleep(50);
        }
      };
      const done = (bs: WorkspaceBuild[], n: number) =>
        bs.length >= n && bs[n - 1]!.job.status === 'succeeded';

      // Started with a 2 s TTL: each is stopped once its deadline passes.
      for (const w of created)
        await waitFor(`${w.name} autostopped`, async () => done(await builds(w.id), 2));
      // The schedule fires every minute, so a minute boundary between build #4 and the last check
      // below would rightly autostart them again: begin this part early enough in a minute.
      const intoMinuteMs = Date.now() % 60_000;
      if (intoMinuteMs > 60_000 - quietWindowMs) await sleep(60_000 - intoMinuteMs + 500);
      // As if each had been stopped a minute ago, the schedule is due now.
      await db.pool.query(
        `UPDATE workspace_builds SET created_at = created_at - interval '61 seconds' WHERE build_number = 2`,
      );
      for (const w of created)
        await waitFor(`${w.name} autostarted and stopped again`, async () => done(await builds(w.id), 4));
      // More ticks, on both replicas: nothing else is due until the next minute.
      await sleep(10 * intervalMs);

      for (const w of created) {
        const bs = await builds(w.id);
        assert.deepEqual(
          bs.map((x) => [x.build_number, x.transition, x.reason]),
          [
            [1, 'start', 'initiator'],
            [2, 'stop', 'autostop'],
            [3, 'start', 'autostart'],
            [4, 'stop', 'autostop'],
          ],
          w.name,
        );
        // The owner initiates scheduled builds, as in Coder.
        assert.ok(
          bs.every((x) => x.initiator_id === me.id),
          w.name,
        );
        // Start builds get their deadline from the TTL when they finish; stop builds none.
        for (const start of [bs[0]!, bs[2]!]) {
          const left = Date.parse(start.deadline!) - Date.parse(start.job.completed_at!);
          assert.ok(
            Math.abs(left - ttlMs) < 1_000,
            `${w.name} #${start.build_number}: deadline ${left} ms after completion`,
          );
        }
        // The stop came at the deadline, not before (#2's creation time was moved back above).
        assert.ok(Date.parse(bs[3]!.created_at) >= Date.parse(bs[2]!.deadline!), `${w.name} stopped early`);
        assert.equal(bs[3]!.deadline, undefined);
        const expectedVersion = w.name === 'sched-always' ? v2 : tpl.versionId;
        assert.equal(bs[2]!.template_version_id, expectedVersion, w.name);
      }

      // Both replicas ran ticks, and never the same one: together they claimed at most one per interval.
      const [ta, tb] = [a.server.coderd.lifecycle.claimedTicks, b.server.coderd.lifecycle.claimedTicks];
      const elapsedTicks = Math.ceil((Date.now() - startedAt) / intervalMs) + 2;
      assert.ok(ta > 0 && tb > 0, `claimed ticks: A ${ta}, B ${tb}`);
      assert.ok(ta + tb <= elapsedTicks, `claimed ${ta} + ${tb} ticks in ${elapsedTicks} intervals`);
    } finally {
      await b.close();
      await a.close();
    }
  },
);

test(
  'replicas deciding the same due workspaces at the same moment build each one once',
  { timeout: 60_000 },
  async () => {
    await using db = await createTestDatabase();
    // Timers never fire during the test: the passes are run by hand, bypassing the tick claim.
    const values = { autobuildPollIntervalMs: 60_000 };
    const a = await startReplica(db.url, 1, {}, values);
    const b = await startReplica(db.url, 0, {}, values);
    try {
      const owner = await ownerClient(a.url);
      const me = await owner.users.get('me');
      const tpl = await insertEchoTemplate(db.pool, {
        organizationId: (await owner.organizations())[0]!.id,
        createdBy: me.id,
        echo: { start: { stages: [{ stage: 'Applying', logs: ['up'] }] } },
        settings: { default_ttl: 60_000n * 1_000_000n },
      });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++)
        ids.push(
          (await owner.workspaces.create('me', { template_id: tpl.templateId, name: `race-${i}` })).id,
        );
      const until = Date.now() + 30_000;
      while ((await owner.workspaces.list()).workspaces.some((w) => w.latest_build.status !== 'running')) {
        assert.ok(Date.now() < until, 'the first builds did not finish');
        await sleep(50);
      }
      // An hour later every deadline has passed: both replicas see all five as due, and decide at once.
      const later = new Date(Date.now() + 3_600_000);
      const executors = [a, b].map((r) => r.server.coderd.lifecycle);
      const candidates = await withActor(systemActors.background, () =>
        a.server.coderd.store.listLifecycleCandidates(later),
      );
      assert.equal(candidates.length, ids.length);
      const stats = executors.map((): TickStats => ({
        claimed: true,
        transitions: new Map(),
        errors: new Map(),
      }));
      await Promise.all(executors.map((e, i) => e.buildDue([...candidates], later, stats[i]!)));
      assert.equal(stats[0]!.transitions.size + stats[1]!.transitions.size, ids.length);
      assert.deepEqual([...stats[0]!.errors, ...stats[1]!.errors], []);
      for (const id of ids) {
        const bs = await owner.workspaces.builds(id);
        assert.deepEqual(bs.map((x) => [x.build_number, x.transition, x.reason]).sort(), [
          [1, 'start', 'initiator'],
          [2, 'stop', 'autostop'],
        ]);
      }
    } finally {
      await b.close();
      await a.close();
    }
  },
);

test(
  'a tick is claimed once however many replicas ask for it at the same moment',
  { timeout: 60_000 },
  async () => {
    await using db = await createTestDatabase();
    // Long interval: the timers never fire during the test; tick() is called by hand.
    const values = { autobuildPollIntervalMs: 60_000 };
    const a = await startReplica(db.url, 0, {}, values);
    const b = await startReplica(db.url, 0, {}, values);
    try {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).server.coderd.lifecycle.tick()),
      );
      assert.equal(results.filter((r) => r.claimed).length, 1);
    } finally {
      await b.close();
      await a.close();
    }
  },
);
