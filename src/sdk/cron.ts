/**
 * Cron schedules as Coder's agent reads `coder_script.cron` (robfig/cron with a seconds field and
 * an optional day of week): `SEC MIN HOUR DOM MONTH [DOW]`, in the agent's local time. Each field
 * is `*` or `?`, `N`, `N-M`, any of those with `/STEP` (`N/STEP` runs from N to the end), or a
 * comma list of them; months and days of week also take names (JAN, MON). As in robfig, when day
 * of month or day of week is `*`, both must match; when both are restricted, either may.
 *
 * Written here rather than taken from npm: the provider (validation) and the agent (scheduling)
 * must agree exactly with Coder's grammar, and it is small. Pure code: safe in the browser.
 */

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const specs: readonly FieldSpec[] = [
  { name: 'seconds', min: 0, max: 59 },
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: months },
  { name: 'day of week', min: 0, max: 6, names: weekdays },
];

export class CronError extends Error {}

interface Field {
  allowed: boolean[];
  /** `*` or `?` without a step: matters for the day-of-month / day-of-week rule. */
  star: boolean;
}

export interface CronSchedule {
  readonly source: string;
  /** The first time strictly after `after` (whole seconds) that matches, or undefined within 5 years. */
  next(after: Date): Date | undefined;
}

function parseValue(text: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + (spec.name === 'month' ? 1 : 0);
  if (!/^\d+$/.test(text)) throw new CronError(`"${text}" is not a number in the ${spec.name} field`);
  return Number(text);
}

function parseField(text: string, spec: FieldSpec): Field {
  const allowed = new Array<boolean>(spec.max + 1).fill(false);
  let star = false;
  for (const part of text.split(',')) {
    const [range, stepText, extra] = part.split('/');
    if (extra !== undefined || range === undefined || range === '')
      throw new CronError(`"${part}" is not a valid ${spec.name} expression`);
    let start: number;
    let end: number;
    let isStar = false;
    if (range === '*' || range === '?') {
      [start, end, isStar] = [spec.min, spec.max, true];
    } else {
      const bounds = range.split('-');
      if (bounds.length > 2) throw new CronError(`"${range}" is not a valid ${spec.name} range`);
      start = parseValue(bounds[0]!, spec);
      end = bounds.length === 2 ? parseValue(bounds[1]!, spec) : start;
      // `N/STEP` means from N to the end of the field.
      if (bounds.length === 1 && stepText !== undefined) end = spec.max;
    }
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1)
        throw new CronError(`"${stepText}" is not a valid step in the ${spec.name} field`);
      step = Number(stepText);
    }
    if (start < spec.min || end > spec.max)
      throw new CronError(`${spec.name} must be between ${spec.min} and ${spec.max}, got "${range}"`);
    if (start > end) throw new CronError(`"${range}" runs backwards in the ${spec.name} field`);
    for (let v = start; v <= end; v += step) allowed[v] = true;
    if (isStar && step === 1) star = true;
  }
  return { allowed, star };
}

/** Parses a schedule; throws CronError naming the problem. */
export function parseCron(source: string): CronSchedule {
  const parts = source.trim().split(/\s+/);
  if (source.trim() === '' || parts.length < 5 || parts.length > 6)
    throw new CronError(
      `expected 5 or 6 fields (seconds minutes hours day-of-month month [day-of-week]), got ${source.trim() ? parts.length : 0}`,
    );
  if (parts.length === 5) parts.push('*');
  const [sec, min, hour, dom, month, dow] = parts.map((p, i) => parseField(p, specs[i]!)) as [
    Field,
    Field,
    Field,
    Field,
    Field,
    Field,
  ];
  const dayMatches = (t: Date) => {
    const domOk = dom.allowed[t.getDate()] === true;
    const dowOk = dow.allowed[t.getDay()] === true;
    return dom.star || dow.star ? domOk && dowOk : domOk || dowOk;
  };
  return {
    source,
    next(after) {
      const t = new Date(after.getTime());
      t.setMilliseconds(0);
      t.setSeconds(t.getSeconds() + 1);
      const yearLimit = t.getFullYear() + 5;
      // Advance the coarsest field that does not match, resetting the finer ones, until all do.
      for (;;) {
        if (t.getFullYear() > yearLimit) return undefined;
        if (!month.allowed[t.getMonth() + 1]) {
          t.setMonth(t.getMonth() + 1, 1);
          t.setHours(0, 0, 0, 0);
          continue;
        }
        if (!dayMatches(t)) {
          t.setDate(t.getDate() + 1);
          t.setHours(0, 0, 0, 0);
          continue;
        }
        if (!hour.allowed[t.getHours()]) {
          t.setHours(t.getHours() + 1, 0, 0, 0);
          continue;
        }
        if (!min.allowed[t.getMinutes()]) {
          t.setMinutes(t.getMinutes() + 1, 0, 0);
          continue;
        }
        if (!sec.allowed[t.getSeconds()]) {
          t.setSeconds(t.getSeconds() + 1, 0);
          continue;
        }
        return t;
      }
    },
  };
}
