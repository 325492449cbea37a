/**
 * What an import found, checked before it is stored: rich parameter definitions (names unique,
 * types known, a default that satisfies the parameter's own type, options and validation) and
 * Terraform variables with the values the import used. A problem fails the import job naming the
 * parameter or variable, so a template that could never build is refused at push time.
 */
import { InvalidInput, Validator } from '../sdk/errors.js';
import { parameterValueProblem, valueTypeProblem } from '../sdk/parameter-validation.js';
import type { RichParameter, TemplateVariable } from '../sdk/provisioner.js';
import { parameterTypes, type VariableValue } from '../sdk/templates.js';
import type {
  InsertTemplateVersionParameter,
  InsertTemplateVersionVariable,
} from '../database/queries/template-versions.js';

/** The job's error is all a pusher sees, so it spells out every problem, not just the fields. */
function throwProblems(v: Validator, what: string): void {
  if (v.problems.length === 0) return;
  const list = v.problems.map((p) => `${p.field}: ${p.detail}`).join('; ');
  throw new InvalidInput(`${what}: ${list}`, { validations: v.problems });
}

function compileRegex(source: string): RegExp | undefined {
  try {
    return new RegExp(source);
  } catch {
    return undefined;
  }
}

/** Validates the import's parameters and returns them as rows, with Coder's defaults filled in. */
export function parameterRows(params: Partial<RichParameter>[]): InsertTemplateVersionParameter[] {
  const v = new Validator();
  const seen = new Set<string>();
  const rows = params.map((p, i): InsertTemplateVersionParameter => {
    const name = p.name ?? '';
    const field = name ? `parameter "${name}"` : `parameters[${i}]`;
    if (!name) v.add(field, 'The parameter has no name.');
    else if (seen.has(name)) v.add(field, 'Duplicate parameter name; names must be unique.');
    seen.add(name);
    const type = p.type ?? 'string';
    if (!(parameterTypes as readonly string[]).includes(type))
      v.add(field, `Unknown type "${type}"; use one of ${parameterTypes.join(', ')}.`);
    const defaultValue = p.default_value ?? '';
    const required = p.required ?? defaultValue === '';
    const options = (p.options ?? []).map((o) => ({
      name: o.name ?? '',
      description: o.description ?? '',
      value: o.value ?? '',
      icon: o.icon ?? '',
    }));
    const optionValues = new Set<string>();
    for (const o of options) {
      if (optionValues.has(o.value)) v.add(field, `Option value "${o.value}" appears twice.`);
      optionValues.add(o.value);
      const bad = type === 'list(string)' ? undefined : valueTypeProblem(type, o.value);
      if (bad) v.add(field, `Option value: ${bad}`);
    }
    const regex = p.validation_regex ?? '';
    const compiled = regex ? compileRegex(regex) : undefined;
    if (regex && !compiled) v.add(field, `validation_regex "${regex}" is not a valid regular expression.`);
    if (regex && type !== 'string') v.add(field, 'validation_regex applies only to string parameters.');
    const min = p.validation_min ?? null;
    const max = p.validation_max ?? null;
    if ((min !== null || max !== null) && type !== 'number')
      v.add(field, 'validation_min and validation_max apply only to number parameters.');
    if (min !== null && max !== null && min > max)
      v.add(field, `validation_min (${min}) is greater than validation_max (${max}).`);
    const monotonic = p.validation_monotonic ?? '';
    if (!['', 'increasing', 'decreasing'].includes(monotonic))
      v.add(field, `validation_monotonic must be "increasing" or "decreasing", not "${monotonic}".`);
    else if (monotonic && type !== 'number') v.add(field, 'validation_monotonic applies only to numbers.');
    const mutable = p.mutable ?? false;
    if (p.ephemeral && !mutable) v.add(field, 'An ephemeral parameter must be mutable.');
    // A default is what a workspace gets without asking: it must pass the parameter's own rules.
    if ((!required || defaultValue !== '') && (!regex || compiled)) {
      const bad = parameterValueProblem(
        {
          type,
          options,
          validation_regex: regex,
          validation_min: min ?? undefined,
          validation_max: max ?? undefined,
          validation_error: '',
        },
        defaultValue,
      );
      if (bad) v.add(field, `The default value "${defaultValue}" breaks the parameter's own rules: ${bad}`);
    }
    return {
      name,
      display_name: p.display_name ?? '',
      description: p.description ?? '',
      type,
      mutable,
      default_value: defaultValue,
      icon: p.icon ?? '',
      options,
      validation_regex: regex,
      validation_min: min,
      validation_max: max,
      validation_error: p.validation_error ?? '',
      validation_monotonic: monotonic as InsertTemplateVersionParameter['validation_monotonic'],
      required,
      ephemeral: p.ephemeral ?? false,
      display_order: p.order ?? i,
    };
  });
  throwProblems(v, 'The template has invalid parameters');
  return rows;
}

/**
 * The template's variables with the value each import used: the pushed value, else the default.
 * A required variable without a pushed value, or a value of the wrong type, is an error.
 */
export function variableRows(
  vars: Partial<TemplateVariable>[],
  values: VariableValue[],
): InsertTemplateVersionVariable[] {
  const v = new Validator();
  const given = new Map(values.map((x) => [x.name, x.value]));
  const rows = vars.map((t, i): InsertTemplateVersionVariable => {
    const name = t.name ?? '';
    const field = name ? `variable "${name}"` : `variables[${i}]`;
    if (!name) v.add(field, 'The variable has no name.');
    const type = t.type ?? 'string';
    const defaultValue = t.default_value ?? '';
    const required = t.required ?? false;
    const pushed = given.get(name);
    if (required && pushed === undefined)
      v.add(field, 'Required variable has no value; pass it when pushing (e.g. --var name=value).');
    const bad = pushed === undefined ? undefined : valueTypeProblem(type, pushed);
    // A sensitive value must not be echoed back in the job's error.
    if (bad) v.add(field, t.sensitive ? `The value is not a valid ${type}.` : `The value: ${bad}`);
    return {
      name,
      description: t.description ?? '',
      type,
      value: pushed ?? defaultValue,
      default_value: defaultValue,
      required,
      sensitive: t.sensitive ?? false,
    };
  });
  throwProblems(v, 'The template variables are not satisfied');
  return rows;
}

/** Variable values pushed twice with different values are a mistake worth naming. */
export function checkVariableValues(values: VariableValue[], field = 'user_variable_values'): void {
  const seen = new Set<string>();
  for (const { name } of values) {
    if (seen.has(name)) throw InvalidInput.field(field, `Variable "${name}" is given more than once.`);
    seen.add(name);
  }
}
