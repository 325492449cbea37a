import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWeeklySchedule, WeeklyScheduleError } from './weekly-schedule.js';

const next = (schedule: string, after: string) =>
  parseWeeklySchedule(schedule).next(new Date(after)).toISOString();

test('without CRON_TZ the schedule is read in UTC', () => {
  assert.equal(next('30 9 * * *', '2026-12-02T09:29:59Z'), '2026-12-02T09:30:00.000Z');
  // Strictly after: the same minute is not "next".
  assert.equal(next('30 9 * * *', '2026-12-02T09:30:00Z'), '2026-12-03T09:30:00.000Z');
});

test('CRON_TZ reads the fields in that zone, across daylight saving changes', () => {
  // Berlin is UTC+1 in winter, UTC+2 in summer.
  assert.equal(next('CRON_TZ=Europe/Berlin 30 9 * * *', '2026-12-02T00:00:00Z'), '2026-12-02T08:30:00.000Z');
  assert.equal(next('CRON_TZ=Europe/Berlin 30 9 * * *', '2026-07-01T00:00:00Z'), '2026-07-01T07:30:00.000Z');
  // A half-hour zone.
  assert.equal(next('CRON_TZ=Asia/Kolkata 0 9 * * *', '2026-12-02T00:00:00Z'), '2026-12-02T03:30:00.000Z');
});

test('days of week: numbers, ranges, names, and 7 for Sunday', () => {
  // 2026-12-02 is a Wednesday.
  assert.equal(next('0 8 * * 1-5', '2026-12-04T09:00:00Z'), '2026-12-07T08:00:00.000Z'); // Fri → Mon
  assert.equal(next('0 8 * * SAT', '2026-12-02T00:00:00Z'), '2026-12-05T08:00:00.000Z');
  assert.equal(next('0 8 * * 7', '2026-12-02T00:00:00Z'), '2026-12-06T08:00:00.000Z');
  assert.equal(next('*/15 * * * *', '2026-12-02T10:07:00Z'), '2026-12-02T10:15:00.000Z');
  // The day of week is the zone's: 23:30 Monday in New York is already Tuesday in UTC.
  const s = parseWeeklySchedule('CRON_TZ=America/New_York 30 23 * * 1');
  assert.equal(s.next(new Date('2026-12-01T00:00:00Z')).toISOString(), '2026-12-01T04:30:00.000Z');
  assert.equal(s.weekday(new Date('2026-12-01T04:30:00Z')), 1);
});

test('malformed schedules are refused with the reason', () => {
  const bad: [string, RegExp][] = [
    ['30 9 * *', /5 fields/],
    ['30 9 1 * *', /Day of month and month must be "\*"/],
    ['61 9 * * *', /minute must be between 0 and 59/],
    ['30 24 * * *', /hour must be between 0 and 23/],
    ['30 9 * * FUNDAY', /"FUNDAY" is not a number/],
    ['CRON_TZ=Mars/Olympus 30 9 * * *', /not a known time zone/],
    ['30 9/0 * * *', /not a valid step/],
  ];
  for (const [schedule, reason] of bad)
    assert.throws(
      () => parseWeeklySchedule(schedule),
      (err: Error) => err instanceof WeeklyScheduleError && reason.test(err.message),
      schedule,
    );
});
