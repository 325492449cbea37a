/**
 * Which build, if any, the lifecycle executor owes a workspace at a tick (Coder's autobuild
 * `getNextTransition`): a stop once a started workspace's deadline has passed or its owner is
 * suspended, a start once its weekly schedule has come round since the last build, and a stop
 * `failure_ttl` after a failed start or stop. Pure: the executor feeds it rows, tests feed it data.
 */
import { parseWeeklySchedule } from '../../sdk/weekly-schedule.js';
import type { LifecycleCandidateRow } from '../../database/queries/lifecycle.js';
import { jobIsActive } from '../workspace-status.js';

export interface Transition {
  transition: 'start' | 'stop';
  reason: 'autostart' | 'autostop';
}

const weekMs = 7 * 24 * 60 * 60_000;

/** Coder stores "no deadline" as the zero time (year 1). */
export const hasDeadline = (d: Date): boolean => d.getTime() > 0;

/**
 * The first time after `after` the schedule fires on a day the template allows (its
 * `autostart_block_days_of_week` bitmap, Monday = bit 0, read in the schedule's zone); undefined
 * when the schedule does not parse or no allowed day comes within a week.
 */
export function nextAllowedAutostart(after: Date, schedule: string, blockedDays: number): Date | undefined {
  let sched;
  try {
    sched = parseWeeklySchedule(schedule);
  } catch {
    return undefined;
  }
  let next = after;
  while (next.getTime() - after.getTime() < weekMs) {
    next = sched.next(next);
    const mondayFirst = (sched.weekday(next) + 6) % 7;
    if ((blockedDays & (1 << mondayFirst)) === 0) return next;
  }
  return undefined;
}

function dueForAutostop(c: LifecycleCandidateRow, tick: Date): boolean {
  if (c.job_status === 'failed' || c.dormant_at !== null || c.transition !== 'start') return false;
  if (c.owner_status === 'suspended') return true;
  return hasDeadline(c.deadline) && tick.getTime() >= c.deadline.getTime();
}

function dueForAutostart(c: LifecycleCandidateRow, tick: Date): boolean {
  if (c.owner_status !== 'active' || c.job_status === 'failed' || c.dormant_at !== null) return false;
  if (c.transition !== 'stop' || !c.template_allow_user_autostart || !c.autostart_schedule) return false;
  // Due once the schedule has fired since the last build was created: a workspace stopped after
  // today's start time is not started again until the next one.
  const next = nextAllowedAutostart(
    c.build_created_at,
    c.autostart_schedule,
    c.template_autostart_block_days_of_week,
  );
  return next !== undefined && tick.getTime() >= next.getTime();
}

function dueForFailedCleanup(c: LifecycleCandidateRow, tick: Date): boolean {
  const ttlMs = Number(BigInt(c.template_failure_ttl) / 1_000_000n);
  return (
    ttlMs > 0 &&
    c.job_status === 'failed' &&
    c.transition !== 'delete' &&
    c.job_completed_at !== null &&
    tick.getTime() - c.job_completed_at.getTime() > ttlMs
  );
}

export function nextTransition(c: LifecycleCandidateRow, tick: Date): Transition | undefined {
  // A build still queued or running is left alone; the next tick looks again.
  if (jobIsActive(c.job_status)) return undefined;
  if (dueForAutostop(c, tick)) return { transition: 'stop', reason: 'autostop' };
  if (dueForAutostart(c, tick)) return { transition: 'start', reason: 'autostart' };
  // Coder reports the cleanup of a failed build with the `autostop` reason as well.
  if (dueForFailedCleanup(c, tick)) return { transition: 'stop', reason: 'autostop' };
  return undefined;
}

/** Autostart builds the active version when the workspace or its template asks for it. */
export function usesActiveVersion(c: LifecycleCandidateRow): boolean {
  return c.template_require_active_version || c.automatic_updates === 'always';
}
