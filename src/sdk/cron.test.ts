import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CronError, parseCron } from './cron.js';

// Local-time dates, as the schedule is read in the agent's local time.
const at = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => new Date(y, mo - 1, d, h, mi, s);

function nexts(expr: string, from: Date, n: number): Date[] {
  const s = parseCron(expr);
  const out: Date[] = [];
  let t = from;
  for (let i = 0; i < n; i++) {
    const next = s.next(t);
    assert.ok(next, `${expr} has a next time after ${t.toString()}`);
    out.push(next);
    t = next;
  }
  return out;
}

test('every second, and every 5 seconds, start strictly after the given time', () => {
  assert.deepEqual(nexts('* * * * * *', at(2026, 1, 1, 10, 0, 0), 3), [
    at(2026, 1, 1, 10, 0, 1),
    at(2026, 1, 1, 10, 0, 2),
    at(2026, 1, 1, 10, 0, 3),
  ]);
  assert.deepEqual(nexts('*/5 * * * * *', new Date(at(2026, 1, 1, 10, 0, 3).getTime() + 400), 3), [
    at(2026, 1, 1, 10, 0, 5),
    at(2026, 1, 1, 10, 0, 10),
    at(2026, 1, 1, 10, 0, 15),
  ]);
});

test('the hourly example of the provider docs and a minute list roll over hours and days', () => {
  assert.deepEqual(nexts('0 0 * * * *', at(2026, 1, 1, 23, 30), 2), [at(2026, 1, 2, 0), at(2026, 1, 2, 1)]);
  assert.deepEqual(nexts('30 15,45 9 * * *', at(2026, 1, 1, 9, 50), 2), [
    at(2026, 1, 2, 9, 15, 30),
    at(2026, 1, 2, 9, 45, 30),
  ]);
});

test('five fields mean any day of week; N/STEP runs to the end of the field', () => {
  assert.deepEqual(nexts('0 0 12 1 *', at(2026, 1, 15), 2), [at(2026, 2, 1, 12), at(2026, 3, 1, 12)]);
  assert.deepEqual(nexts('50/5 0 0 * * *', at(2026, 1, 1), 3), [
    at(2026, 1, 1, 0, 0, 50),
    at(2026, 1, 1, 0, 0, 55),
    at(2026, 1, 2, 0, 0, 50),
  ]);
});

test('names and ranges: 9:00 on weekdays skips the weekend; month names work', () => {
  // 2026-01-02 is a Friday.
  assert.deepEqual(nexts('0 0 9 * * MON-FRI', at(2026, 1, 2, 10), 1), [at(2026, 1, 5, 9)]);
  assert.deepEqual(nexts('0 0 0 1 jun,dec ?', at(2026, 7, 1), 2), [at(2026, 12, 1), at(2027, 6, 1)]);
});

test('with both day fields restricted either matches (robfig), with one starred both must', () => {
  // The 13th or any Friday: 2026-02-06 is a Friday, before the 13th.
  assert.deepEqual(nexts('0 0 0 13 * 5', at(2026, 2, 1), 2), [at(2026, 2, 6), at(2026, 2, 13)]);
  // Step on the day of month removes its star: the 1st, 3rd, … or Sundays.
  assert.deepEqual(nexts('0 0 0 */2 * 0', at(2026, 2, 1, 1), 2), [at(2026, 2, 3), at(2026, 2, 5)]);
});

test('a day that never comes gives no next time', () => {
  assert.equal(parseCron('0 0 0 31 2 *').next(at(2026, 1, 1)), undefined);
});

test('bad schedules are refused with the reason', () => {
  const cases: [string, RegExp][] = [
    ['', /expected 5 or 6 fields/],
    ['* * * *', /got 4/],
    ['* * * * * * *', /got 7/],
    ['60 * * * * *', /seconds must be between 0 and 59/],
    ['* * 24 * * *', /hours must be between 0 and 23/],
    ['* * * 0 * *', /day of month must be between 1 and 31/],
    ['* * * * 13 *', /month must be between 1 and 12/],
    ['* * * * * 7', /day of week must be between 0 and 6/],
    ['* * * * * funday', /not a number in the day of week field/],
    ['*/0 * * * * *', /not a valid step/],
    ['5-1 * * * * *', /runs backwards/],
    ['1-2-3 * * * * *', /not a valid seconds range/],
    ['@hourly', /expected 5 or 6 fields/],
    [',1 * * * * *', /not a valid seconds expression/],
  ];
  for (const [expr, why] of cases)
    assert.throws(
      () => parseCron(expr),
      (e: Error) => e instanceof CronError && why.test(e.message),
      expr,
    );
});
