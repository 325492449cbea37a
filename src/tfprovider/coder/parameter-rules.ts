/**
 * The rules a `coder_parameter` value must follow (Coder's parameter validation): it must parse
 * as the parameter's type, be one of the options when there are options, and satisfy the
 * validation block (min/max and monotonic for numbers, regex for strings).
 */
import type { Diagnostics, PathStep } from '../framework/diagnostics.js';

export interface ParameterRules {
  name: string;
  type: string;
  options: string[];
  min?: number;
  max?: number;
  monotonic?: string;
  regex?: string;
  error?: string;
}

/** Checks one value; `previous` is the value of the last build, for monotonic rules. */
export function checkParameterValue(
  rules: ParameterRules,
  value: string,
  diags: Diagnostics,
  path: readonly PathStep[],
  previous?: string,
): void {
  const fail = (detail: string) =>
    diags.error(`Invalid value for parameter ${JSON.stringify(rules.name)}`, detail, path);
  const custom = (fallback: string) =>
    rules.error
      ? rules.error
          .replaceAll('{min}', String(rules.min ?? ''))
          .replaceAll('{max}', String(rules.max ?? ''))
          .replaceAll('{value}', value)
      : fallback;

  let list: string[] | undefined;
  if (rules.type === 'number' && (value.trim() === '' || !Number.isFinite(Number(value)))) {
    return fail(`${JSON.stringify(value)} is not a number.`);
  }
  if (rules.type === 'bool' && value !== 'true' && value !== 'false') {
    return fail(`${JSON.stringify(value)} is not a bool; use "true" or "false".`);
  }
  if (rules.type === 'list(string)') {
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) list = parsed as string[];
    } catch {
      // reported below
    }
    if (!list) return fail(`${JSON.stringify(value)} is not a JSON array of strings, e.g. ["a","b"].`);
  }

  if (rules.options.length > 0) {
    const bad = (list ?? [value]).find((v) => !rules.options.includes(v));
    if (bad !== undefined) {
      return fail(
        `${JSON.stringify(bad)} is not one of the options: ${rules.options.map((o) => JSON.stringify(o)).join(', ')}.`,
      );
    }
  }

  if (rules.type === 'number') {
    const n = Number(value);
    if (rules.min !== undefined && n < rules.min)
      return fail(custom(`Value ${n} is less than the minimum ${rules.min}.`));
    if (rules.max !== undefined && n > rules.max)
      return fail(custom(`Value ${n} is more than the maximum ${rules.max}.`));
    if (rules.monotonic && previous !== undefined && previous !== '' && Number.isFinite(Number(previous))) {
      const p = Number(previous);
      if (rules.monotonic === 'increasing' && n < p) {
        return fail(custom(`Value must be equal to or greater than the previous value ${p}.`));
      }
      if (rules.monotonic === 'decreasing' && n > p) {
        return fail(custom(`Value must be equal to or less than the previous value ${p}.`));
      }
    }
  }
  if (rules.type === 'string' && rules.regex !== undefined) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(rules.regex);
    } catch {
      return; // the regex itself is reported by the config check
    }
    if (!re.test(value)) return fail(custom(`${JSON.stringify(value)} does not match ${rules.regex}.`));
  }
}
