/**
 * A workspace's autostart schedule as Coder writes it (coderd/schedule/cron `Weekly`):
 * `[CRON_TZ=<IANA zone> ]<minute> <hour> * * <day-of-week>`, in the zone's wall-clock time (UTC
 * when no zone is given). Day of month and month must be `*`: the schedule repeats weekly. Each
 * field takes `*`, `N`, `N-M`, `/STEP` and comma lists; days of week also take names (MON).
 *
 * Pure code (Intl only), so the API, the scheduler and the dashboard agree on one reading.
 */

export class WeeklyScheduleError extends Error {}

export interface WeeklySchedule {
  readonly source: string;
  /** The IANA zone the schedule is read in. */
  readonly timeZone: string;
  /** The first whole minute strictly after `after` that matches. */
  next(after: Date): Date;
  /** 0 = Sunday … 6 = Saturday, as the schedule's zone sees the instant. */
  weekday(at: Date): number;
}

const minuteMs = 60_000;
const dayNames = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function parseField(text: string, name: string, min: number, max: number, names?: string[]): boolean[] {
  const allowed = new Array<boolean>(max + 1).fill(false);
  const value = (v: string): number => {
    const named = names?.indexOf(v.toLowerCase()) ?? -1;
    if (named >= 0) return named;
    if (!/^\d+$/.test(v)) throw new WeeklyScheduleError(`"${v}" is not a number in the ${name} field.`);
    return Number(v);
  };
  for (const part of text.split(',')) {
    const [range = '', stepText, extra] = part.split('/');
    if (extra !== undefined || range === '')
      throw new WeeklyScheduleError(`"${part}" is not a valid ${name} expression.`);
    let [start, end] = [min, max];
    if (range !== '*') {
      const bounds = range.split('-');
      if (bounds.length > 2) throw new WeeklyScheduleError(`"${range}" is not a valid ${name} range.`);
      start = value(bounds[0]!);
      end = bounds.length === 2 ? value(bounds[1]!) : stepText !== undefined ? max : start;
    }
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1)
      throw new WeeklyScheduleError(`"${stepText}" is not a valid step in the ${name} field.`);
    // Day of week 7 is Sunday too, as in robfig/cron.
    const top = name === 'day of week' ? 7 : max;
    if (start < min || end > top || start > end)
      throw new WeeklyScheduleError(`${name} must be between ${min} and ${max}, got "${range}".`);
    for (let v = start; v <= end; v += step) allowed[v % (max + 1)] = true;
  }
  return allowed;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The instant's wall-clock time in the zone, as milliseconds of a UTC date with those fields. */
function wallClock(at: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(at))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!);
}

/** The instant at which the zone's clocks show `wall` (the later reading across a DST gap). */
function instantOf(wall: number, timeZone: string): number {
  let guess = wall - (wallClock(wall, timeZone) - wall);
  guess = wall - (wallClock(guess, timeZone) - guess);
  return guess;
}

/** Parses a schedule; throws WeeklyScheduleError naming the problem. */
export function parseWeeklySchedule(source: string): WeeklySchedule {
  let text = source.trim();
  let timeZone = 'UTC';
  const tz = /^CRON_TZ=(\S+)\s+/.exec(text);
  if (tz) {
    timeZone = tz[1]!;
    text = text.slice(tz[0].length);
    try {
      formatter(timeZone);
    } catch {
      throw new WeeklyScheduleError(`"${timeZone}" is not a known time zone.`);
    }
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5)
    throw new WeeklyScheduleError(
      'Expected 5 fields (minute hour * * day-of-week) with an optional CRON_TZ=<zone> prefix.',
    );
  const [minText, hourText, dom, month, dowText] = fields as [string, string, string, string, string];
  if (dom !== '*' || month !== '*')
    throw new WeeklyScheduleError('Day of month and month must be "*": the schedule repeats every week.');
  const minutes = parseField(minText, 'minute', 0, 59);
  const hours = parseField(hourText, 'hour', 0, 23);
  const days = parseField(dowText, 'day of week', 0, 6, dayNames);
  return {
    source,
    timeZone,
    weekday: (at) => new Date(wallClock(at.getTime(), timeZone)).getUTCDay(),
    next(after) {
      const afterMs = after.getTime();
      // Walk the zone's wall clock minute by minute, skipping whole days and hours that cannot match.
      let wall = Math.floor(wallClock(afterMs, timeZone) / minuteMs) * minuteMs + minuteMs;
      for (let guard = 0; guard < 8 * 24 * 60; guard++) {
        const d = new Date(wall);
        if (!days[d.getUTCDay()]) {
          wall = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
          continue;
        }
        if (!hours[d.getUTCHours()]) {
          wall = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
          continue;
        }
        if (minutes[d.getUTCMinutes()]) {
          const at = instantOf(wall, timeZone);
          // A wall time repeated by a DST fold may map to an instant we already passed.
          if (at > afterMs) return new Date(at);
        }
        wall += minuteMs;
      }
      // Every field allows at least one value, so a match exists within a week.
      throw new WeeklyScheduleError(`The schedule "${source}" never runs.`);
    },
  };
}
