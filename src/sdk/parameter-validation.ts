/**
 * Rich parameter rules (coder-behaviour.md §12; Coder's codersdk/richparameters.go and the
 * provider's validation): one implementation for the server, the CLI and the dashboard. Problems
 * are returned, not thrown, and name the parameter, so an API answers 400 listing every bad value.
 */
import type { TemplateVersionParameter } from './templates.js';
import type { ValidationError } from './errors.js';
import type { WorkspaceBuildParameter } from './workspaces.js';

/** Why `value` is not a value of `type` (number, bool, list(string); every value is a string). */
export function valueTypeProblem(type: string, value: string): string | undefined {
  switch (type) {
    case 'number':
      return value.trim() !== '' && Number.isFinite(Number(value))
        ? undefined
        : `"${value}" is not a number.`;
    case 'bool':
      return value === 'true' || value === 'false' ? undefined : `Must be "true" or "false", not "${value}".`;
    case 'list(string)':
      return stringList(value) ? undefined : 'Must be a JSON array of strings, e.g. ["a","b"].';
    default:
      return undefined;
  }
}

function stringList(value: string): string[] | undefined {
  let list: unknown;
  try {
    list = JSON.parse(value);
  } catch {
    return undefined;
  }
  return Array.isArray(list) && list.every((v) => typeof v === 'string') ? list : undefined;
}

/** What a value is checked against: the parameter's type, options, regex and min/max. */
export type ParameterRules = Pick<
  TemplateVersionParameter,
  'type' | 'options' | 'validation_regex' | 'validation_min' | 'validation_max' | 'validation_error'
>;

/** Checks one value against the parameter's type, options, regex and min/max (not mutability). */
export function parameterValueProblem(p: ParameterRules, value: string): string | undefined {
  const custom = (fallback: string) =>
    p.validation_error
      ? p.validation_error
          .replaceAll('{min}', String(p.validation_min ?? ''))
          .replaceAll('{max}', String(p.validation_max ?? ''))
          .replaceAll('{value}', value)
      : fallback;
  const typeProblem = valueTypeProblem(p.type, value);
  if (typeProblem) return typeProblem;
  switch (p.type) {
    case 'number': {
      const n = Number(value);
      const { validation_min: min, validation_max: max } = p;
      if (min !== undefined && n < min) return custom(`Must be at least ${min}.`);
      if (max !== undefined && n > max) return custom(`Must be at most ${max}.`);
      break;
    }
    case 'list(string)': {
      if (p.options.length > 0) {
        const bad = (stringList(value) ?? []).filter((v) => !p.options.some((o) => o.value === v));
        if (bad.length) return `${bad.map((v) => `"${v}"`).join(', ')} not among the options.`;
      }
      return undefined;
    }
    case 'string':
      if (p.validation_regex) {
        let re: RegExp;
        try {
          re = new RegExp(p.validation_regex);
        } catch {
          return `The template's validation regex "${p.validation_regex}" is invalid.`;
        }
        // Unanchored, as Go's regexp.MatchString in Coder's provider.
        if (!re.test(value)) return custom(`"${value}" does not match ${p.validation_regex}.`);
      }
      break;
  }
  if (p.options.length > 0 && !p.options.some((o) => o.value === value))
    return `"${value}" is not one of the options: ${p.options.map((o) => o.value).join(', ')}.`;
  return undefined;
}

/** A monotonic parameter may only grow (or shrink) relative to the previous build's value. */
function monotonicProblem(p: TemplateVersionParameter, value: string, previous: string): string | undefined {
  if (!p.validation_monotonic || p.type !== 'number') return undefined;
  const [now, before] = [Number(value), Number(previous)];
  if (!Number.isFinite(before)) return undefined;
  if (p.validation_monotonic === 'increasing' && now < before)
    return `Must be equal to or greater than the previous value, ${previous} (monotonic increasing).`;
  if (p.validation_monotonic === 'decreasing' && now > before)
    return `Must be equal to or lower than the previous value, ${previous} (monotonic decreasing).`;
  return undefined;
}

export interface ResolveParametersInput {
  /** The parameters of the template version the build uses. */
  parameters: TemplateVersionParameter[];
  /** The values stored with the workspace's previous build (empty for the first build). */
  previous: WorkspaceBuildParameter[];
  /** The values the caller gives for this build. */
  supplied: WorkspaceBuildParameter[];
  /** True for the workspace's first build: immutable parameters may still be set. */
  firstBuild: boolean;
  /**
   * Only start builds must satisfy new required parameters; stop and delete carry what the
   * workspace has (Coder's wsbuilder).
   */
  requireAll: boolean;
}

export interface ResolvedParameters {
  /** The values the build uses, in the template's order. */
  values: WorkspaceBuildParameter[];
  problems: ValidationError[];
}

/**
 * The effective values of a build: supplied values win, then non-ephemeral values carried from the
 * previous build, then defaults; required parameters with none of these are problems.
 */
export function resolveBuildParameters(input: ResolveParametersInput): ResolvedParameters {
  const problems: ValidationError[] = [];
  const byName = new Map(input.parameters.map((p) => [p.name, p]));
  const supplied = new Map<string, string>();
  for (const s of input.supplied) {
    if (!byName.has(s.name)) problems.push({ field: s.name, detail: 'The template has no such parameter.' });
    else if (supplied.has(s.name)) problems.push({ field: s.name, detail: 'Given more than once.' });
    else supplied.set(s.name, s.value);
  }
  const previous = new Map(input.previous.map((v) => [v.name, v.value]));
  const values: WorkspaceBuildParameter[] = [];
  const ordered = [...input.parameters].sort((a, b) => a.order - b.order);
  for (const p of ordered) {
    const given = supplied.get(p.name);
    const before = previous.get(p.name);
    if (p.ephemeral && !p.mutable) {
      problems.push({ field: p.name, detail: 'An ephemeral parameter must be mutable (template error).' });
      continue;
    }
    if (given !== undefined) {
      const problem =
        parameterValueProblem(p, given) ??
        (!p.mutable && !input.firstBuild && before !== undefined && before !== given
          ? `Parameter is immutable: it cannot change after the workspace was created (it is "${before}").`
          : undefined) ??
        (before !== undefined && !p.ephemeral ? monotonicProblem(p, given, before) : undefined);
      if (problem) problems.push({ field: p.name, detail: problem });
      else values.push({ name: p.name, value: given });
      continue;
    }
    // Ephemeral values apply to one build only: never carried forward.
    if (before !== undefined && !p.ephemeral) values.push({ name: p.name, value: before });
    else if (!p.required) values.push({ name: p.name, value: p.default_value });
    else if (input.requireAll) problems.push({ field: p.name, detail: 'A value is required.' });
  }
  return { values, problems };
}
