import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LifecycleCandidateRow } from '../../database/queries/lifecycle.js';
import { nextAllowedAutostart, nextTransition, usesActiveVersion } from './next-transition.js';

const zero = new Date('0001-01-01T00:00:00Z');
const minute = 60_000;

/** A stopped workspace with a daily 09:00 UTC autostart, its stop build created at 08:00. */
function stopped(over: Partial<LifecycleCandidateRow> = {}): LifecycleCandidateRow {
  return {
    id: 'w1',
    name: 'dev',
    owner_id: 'u1',
    organization_id: 'o1',
    template_id: 't1',
    autostart_schedule: 'CRON_TZ=UTC 0 9 * * *',
    dormant_at: null,
    automatic_updates: 'never',
    owner_status: 'active',
    template_allow_user_autostart: true,
    template_autostart_block_days_of_week: 0,
    template_failure_ttl: '0',
    template_require_active_version: false,
    template_active_version_id: 'v2',
    build_id: 'b1',
    build_number: 2,
    transition: 'stop',
    build_template_version_id: 'v1',
    build_created_at: new Date('2026-12-02T08:00:00Z'),
    deadline: zero,
    job_status: 'succeeded',
    job_completed_at: new Date('2026-12-02T08:01:00Z'),
    ...over,
  };
}

/** A started workspace whose deadline is 17:00 UTC. */
function started(over: Partial<LifecycleCandidateRow> = {}): LifecycleCandidateRow {
  return stopped({ transition: 'start', deadline: new Date('2026-12-02T17:00:00Z'), ...over });
}

const at = (iso: string) => new Date(iso);

test('autostart is due from the first schedule time after the last build, not before', () => {
  assert.equal(nextTransition(stopped(), at('2026-12-02T08:59:59Z')), undefined);
  assert.deepEqual(nextTransition(stopped(), at('2026-12-02T09:00:00Z')), {
    transition: 'start',
    reason: 'autostart',
  });
  // Missed ticks (the server was down) still start it later that day.
  assert.equal(nextTransition(stopped(), at('2026-12-02T13:00:00Z'))?.reason, 'autostart');
  // Stopped by hand after today's start time: not again until tomorrow's.
  const late = stopped({ build_created_at: at('2026-12-02T09:30:00Z') });
  assert.equal(nextTransition(late, at('2026-12-02T13:00:00Z')), undefined);
  assert.equal(nextTransition(late, at('2026-12-03T09:00:00Z'))?.reason, 'autostart');
});

test('autostart is not due for a failed, running, dormant or suspended workspace, or when the template forbids it', () => {
  const tick = at('2026-12-02T09:00:00Z');
  for (const over of [
    { job_status: 'failed' },
    { job_status: 'pending' },
    { job_status: 'running' },
    { dormant_at: at('2026-12-01T00:00:00Z') },
    { owner_status: 'suspended' },
    { template_allow_user_autostart: false },
    { autostart_schedule: null },
    { autostart_schedule: 'not a schedule' },
    { transition: 'start' },
  ] as Partial<LifecycleCandidateRow>[])
    assert.equal(nextTransition(stopped(over), tick), undefined, JSON.stringify(over));
  // A canceled stop still counts as stopped.
  assert.equal(nextTransition(stopped({ job_status: 'canceled' }), tick)?.reason, 'autostart');
});

test("the template's blocked days push autostart to the next allowed day, in the schedule's zone", () => {
  // 2026-12-02 is a Wednesday (bit 2 with Monday = bit 0).
  const blockWednesday = 1 << 2;
  const c = stopped({ template_autostart_block_days_of_week: blockWednesday });
  assert.equal(nextTransition(c, at('2026-12-02T12:00:00Z')), undefined);
  assert.equal(nextTransition(c, at('2026-12-03T09:00:00Z'))?.reason, 'autostart');
  assert.equal(
    nextAllowedAutostart(at('2026-12-02T08:00:00Z'), 'CRON_TZ=UTC 0 9 * * *', blockWednesday)?.toISOString(),
    '2026-12-03T09:00:00.000Z',
  );
  // Every day blocked: never.
  assert.equal(
    nextAllowedAutostart(at('2026-12-02T08:00:00Z'), 'CRON_TZ=UTC 0 9 * * *', 0b1111111),
    undefined,
  );
});

test('autostop is due once the deadline has passed, or at once for a suspended owner', () => {
  assert.equal(nextTransition(started(), at('2026-12-02T16:59:59Z')), undefined);
  assert.deepEqual(nextTransition(started(), at('2026-12-02T17:00:00Z')), {
    transition: 'stop',
    reason: 'autostop',
  });
  // No deadline (no TTL): never, unless the owner is suspended.
  assert.equal(nextTransition(started({ deadline: zero }), at('2027-01-01T00:00:00Z')), undefined);
  assert.equal(
    nextTransition(started({ deadline: zero, owner_status: 'suspended' }), at('2026-12-02T10:00:00Z'))
      ?.reason,
    'autostop',
  );
  // A failed start is not autostopped (only cleaned up after failure_ttl), nor is a dormant one.
  assert.equal(nextTransition(started({ job_status: 'failed' }), at('2026-12-03T00:00:00Z')), undefined);
  assert.equal(
    nextTransition(started({ dormant_at: at('2026-12-01T00:00:00Z') }), at('2026-12-03T00:00:00Z')),
    undefined,
  );
});

test("a failed build is stopped once the template's failure_ttl has passed since it ended", () => {
  const ttlNs = String(10n * BigInt(minute) * 1_000_000n);
  const failed = started({ job_status: 'failed', template_failure_ttl: ttlNs, deadline: zero });
  assert.equal(nextTransition(failed, at('2026-12-02T08:10:00Z')), undefined);
  assert.deepEqual(nextTransition(failed, at('2026-12-02T08:11:01Z')), {
    transition: 'stop',
    reason: 'autostop',
  });
  const failedDelete = started({ job_status: 'failed', template_failure_ttl: ttlNs, transition: 'delete' });
  assert.equal(nextTransition(failedDelete, at('2026-12-03T00:00:00Z')), undefined);
});

test('autostart uses the active version only when the workspace or its template asks for it', () => {
  assert.equal(usesActiveVersion(stopped()), false);
  assert.equal(usesActiveVersion(stopped({ automatic_updates: 'always' })), true);
  assert.equal(usesActiveVersion(stopped({ template_require_active_version: true })), true);
});
