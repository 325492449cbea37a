/**
 * `coder_parameter` and `coder_external_auth` data sources → the template's rich parameters and
 * external-auth requirements (coder-behaviour.md §4.5 step 7).
 */
import { parameterTypes, type ParameterType } from '../../sdk/templates.js';
import { ProvisionFailure, type RichParameter } from '../../sdk/provisioner.js';
import { bool, list, num, str } from './attribute-values.js';
import type { TfResource } from './terraform-state.js';

/** `blockOrder`: the parameters' block labels in file order (template-files.ts). */
export function convertParameters(resources: TfResource[], blockOrder: string[]): RichParameter[] {
  const rank = (r: TfResource) => {
    const i = blockOrder.indexOf(r.name);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const params = resources
    .filter((r) => r.mode === 'data' && r.type === 'coder_parameter' && r.module === '')
    .sort((a, b) => rank(a) - rank(b) || (a.address < b.address ? -1 : 1));
  const seen = new Set<string>();
  const duplicates: string[] = [];
  const out: RichParameter[] = [];
  for (const r of params) {
    const v = r.values;
    const name = str(v.name);
    if (seen.has(name)) {
      if (!duplicates.includes(name)) duplicates.push(name);
      continue;
    }
    seen.add(name);
    const type = str(v.type) || 'string';
    const validation = list(v.validation)[0];
    const param: RichParameter = {
      name,
      display_name: str(v.display_name),
      description: str(v.description),
      type: (parameterTypes as readonly string[]).includes(type) ? (type as ParameterType) : 'string',
      mutable: bool(v.mutable, false),
      default_value: str(v.default),
      icon: str(v.icon),
      options: list(v.option).map((o) => ({
        name: str(o.name),
        description: str(o.description),
        value: str(o.value),
        icon: str(o.icon),
      })),
      validation_error: str(validation?.error),
      validation_regex: str(validation?.regex),
      validation_monotonic: monotonic(validation?.monotonic),
      // Providers that predate `optional` made a parameter optional by giving it a default.
      required: typeof v.optional === 'boolean' ? !v.optional : v.default === null || v.default === undefined,
      ephemeral: bool(v.ephemeral, false),
      order: num(v.order) ?? 0,
    };
    if (validation && !bool(validation.min_disabled, num(validation.min) === undefined))
      param.validation_min = num(validation.min);
    if (validation && !bool(validation.max_disabled, num(validation.max) === undefined))
      param.validation_max = num(validation.max);
    out.push(param);
  }
  if (duplicates.length > 0)
    throw new ProvisionFailure(
      `coder_parameter names must be unique but ${joinWithAnd(duplicates.map((d) => `"${d}"`))} appeared multiple times`,
    );
  return out;
}

function monotonic(v: unknown): RichParameter['validation_monotonic'] {
  return v === 'increasing' || v === 'decreasing' ? v : '';
}

function joinWithAnd(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export function convertExternalAuth(resources: TfResource[]): { id: string; optional: boolean }[] {
  const out = new Map<string, { id: string; optional: boolean }>();
  for (const r of resources) {
    if (r.mode !== 'data') continue;
    if (r.type === 'coder_external_auth' || r.type === 'coder_git_auth') {
      const id = str(r.values.id);
      if (id && !out.has(id)) out.set(id, { id, optional: bool(r.values.optional, false) });
    }
  }
  return [...out.values()];
}
