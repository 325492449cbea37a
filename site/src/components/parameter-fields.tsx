/**
 * A template's rich parameters as form fields (Coder's create-workspace form): options as radios
 * or a select, bools as yes/no, numbers with their bounds, lists one value per line. Each value is
 * checked with the SDK's rules (the same code the server runs) before submit.
 */
import type { TemplateVersionParameter } from '../../../src/sdk/templates.js';
import { parameterValueProblem } from '../../../src/sdk/parameter-validation.js';
import type { WorkspaceBuildParameter } from '../../../src/sdk/workspaces.js';
import { Field } from './form.js';
import { Markdown } from './markdown.js';

export type ParameterValues = Record<string, string>;

export function sortedParameters(params: TemplateVersionParameter[]): TemplateVersionParameter[] {
  return [...params].sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}

/** Starting values: the previous build's where given, else the defaults. */
export function initialValues(
  params: TemplateVersionParameter[],
  previous: WorkspaceBuildParameter[] = [],
): ParameterValues {
  const prev = new Map(previous.map((p) => [p.name, p.value]));
  return Object.fromEntries(params.map((p) => [p.name, prev.get(p.name) ?? p.default_value]));
}

/** The problem with one value, as the server would report it. */
export function parameterProblem(p: TemplateVersionParameter, value: string): string | undefined {
  if (p.required && value === '') return 'A value is required.';
  if (value === '' && !p.required && p.type === 'string' && !p.validation_regex && p.options.length === 0)
    return undefined;
  return parameterValueProblem(p, value);
}

export function parameterProblems(
  params: TemplateVersionParameter[],
  values: ParameterValues,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of params) {
    const problem = parameterProblem(p, values[p.name] ?? '');
    if (problem) out[p.name] = problem;
  }
  return out;
}

function listOf(value: string): string[] {
  try {
    const v = JSON.parse(value) as unknown;
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

function Input({
  p,
  value,
  onChange,
  ids,
  disabled,
}: {
  p: TemplateVersionParameter;
  value: string;
  onChange(v: string): void;
  ids: { id: string; describedBy: string | undefined; invalid: boolean };
  disabled: boolean;
}) {
  const common = {
    id: ids.id,
    name: p.name,
    'aria-describedby': ids.describedBy,
    'aria-invalid': ids.invalid || undefined,
    disabled,
  };
  if (p.type === 'bool') {
    return (
      <div
        className="radios"
        role="radiogroup"
        aria-labelledby={`${ids.id}-label`}
        aria-describedby={ids.describedBy}
      >
        {['true', 'false'].map((v, i) => (
          <label key={v} className="radio">
            <input
              type="radio"
              name={p.name}
              value={v}
              checked={value === v}
              onChange={() => onChange(v)}
              disabled={disabled}
              id={i === 0 ? ids.id : undefined}
            />
            {v === 'true' ? 'Yes' : 'No'}
          </label>
        ))}
      </div>
    );
  }
  if (p.type === 'list(string)') {
    const list = listOf(value);
    if (p.options.length > 0) {
      return (
        <div className="checks" aria-describedby={ids.describedBy}>
          {p.options.map((o, i) => (
            <label key={o.value} className="radio">
              <input
                type="checkbox"
                id={i === 0 ? ids.id : undefined}
                checked={list.includes(o.value)}
                disabled={disabled}
                onChange={(e) =>
                  onChange(
                    JSON.stringify(e.target.checked ? [...list, o.value] : list.filter((x) => x !== o.value)),
                  )
                }
              />
              {o.name || o.value}
              {o.description && <span className="muted"> — {o.description}</span>}
            </label>
          ))}
        </div>
      );
    }
    return (
      <textarea
        {...common}
        rows={3}
        value={list.join('\n')}
        placeholder="One value per line"
        onChange={(e) => onChange(JSON.stringify(e.target.value.split('\n').filter((l) => l !== '')))}
      />
    );
  }
  if (p.options.length > 0 && p.options.length <= 4) {
    return (
      <div className="radios" role="radiogroup" aria-describedby={ids.describedBy}>
        {p.options.map((o, i) => (
          <label key={o.value} className="radio">
            <input
              type="radio"
              name={p.name}
              value={o.value}
              checked={value === o.value}
              onChange={() => onChange(o.value)}
              disabled={disabled}
              id={i === 0 ? ids.id : undefined}
            />
            {o.name || o.value}
            {o.description && <span className="muted"> — {o.description}</span>}
          </label>
        ))}
      </div>
    );
  }
  if (p.options.length > 0) {
    return (
      <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
        {!p.options.some((o) => o.value === value) && <option value={value}>{value || 'Choose…'}</option>}
        {p.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.name || o.value}
          </option>
        ))}
      </select>
    );
  }
  if (p.type === 'number') {
    return (
      <input
        {...common}
        type="number"
        inputMode="decimal"
        min={p.validation_min}
        max={p.validation_max}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  }
  return value.includes('\n') ? (
    <textarea {...common} rows={4} value={value} onChange={(e) => onChange(e.target.value)} />
  ) : (
    <input {...common} type="text" value={value} onChange={(e) => onChange(e.target.value)} />
  );
}

export function ParameterFields({
  parameters,
  values,
  onChange,
  errors,
  lockImmutable = false,
}: {
  parameters: TemplateVersionParameter[];
  values: ParameterValues;
  onChange(name: string, value: string): void;
  errors: Record<string, string>;
  /** After creation immutable parameters cannot change: show them read-only. */
  lockImmutable?: boolean;
}) {
  return (
    <>
      {sortedParameters(parameters).map((p) => (
        <Field
          key={p.name}
          label={p.display_name || p.name}
          error={errors[p.name]}
          hint={p.description ? <Markdown source={p.description} /> : undefined}
          badges={
            <>
              {p.required && <span className="tag">required</span>}
              {!p.mutable && (
                <span className="tag tag-warn" title="Cannot be changed after the workspace is created">
                  immutable
                </span>
              )}
              {p.ephemeral && (
                <span className="tag" title="Applies to one build only">
                  ephemeral
                </span>
              )}
            </>
          }
        >
          {(ids) => (
            <div data-parameter={p.name}>
              <Input
                p={p}
                value={values[p.name] ?? ''}
                onChange={(v) => onChange(p.name, v)}
                ids={ids}
                disabled={lockImmutable && !p.mutable}
              />
            </div>
          )}
        </Field>
      ))}
    </>
  );
}
