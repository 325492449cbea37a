/**
 * The resources of a plan or state in one flat shape (Terraform's JSON "values representation"),
 * whether they come from `terraform show -json` or straight from a `terraform.tfstate` file.
 */

export interface TfResource {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  /** Module address without instance keys (`module.a.module.b`); '' for the root module. */
  module: string;
  values: Record<string, unknown>;
}

interface ValuesModule {
  address?: string;
  resources?: {
    address: string;
    mode: 'managed' | 'data';
    type: string;
    name: string;
    values?: Record<string, unknown> | null;
  }[];
  child_modules?: ValuesModule[];
}

/** `show -json` of a plan: the planned resources and the data sources read while planning. */
export interface ShownPlan {
  planned_values?: { root_module?: ValuesModule };
  prior_state?: { values?: { root_module?: ValuesModule } };
}

const instanceKeys = /\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]/g;

/** Address without instance keys: what Coder calls a resource's label. */
export const labelOf = (address: string) => address.replace(instanceKeys, '');

export function flattenModule(mod: ValuesModule | undefined, out: TfResource[] = []): TfResource[] {
  if (!mod) return out;
  const module = labelOf(mod.address ?? '');
  for (const r of mod.resources ?? [])
    out.push({
      address: r.address,
      mode: r.mode,
      type: r.type,
      name: r.name,
      module,
      values: r.values ?? {},
    });
  for (const child of mod.child_modules ?? []) flattenModule(child, out);
  return out;
}

/** For a plan: the planned resources plus only the data sources of the prior state (§4.5). */
export function planResources(plan: ShownPlan): TfResource[] {
  const planned = flattenModule(plan.planned_values?.root_module);
  const seen = new Set(planned.map((r) => r.address));
  const data = flattenModule(plan.prior_state?.values?.root_module).filter(
    (r) => r.mode === 'data' && !seen.has(r.address),
  );
  return [...planned, ...data];
}

interface RawState {
  version?: number;
  resources?: {
    module?: string;
    mode: 'managed' | 'data';
    type: string;
    name: string;
    instances?: { index_key?: string | number; attributes?: Record<string, unknown> }[];
  }[];
}

/**
 * Resources of a version-4 `terraform.tfstate` (the format since Terraform 0.12), read directly so
 * a build does not spend a `terraform show -json` process on it; undefined for another format.
 */
export function stateFileResources(text: string): TfResource[] | undefined {
  if (text.trim() === '') return [];
  const state = JSON.parse(text) as RawState;
  if (state.version !== 4) return undefined;
  const out: TfResource[] = [];
  for (const r of state.resources ?? []) {
    const base = `${r.module ? `${r.module}.` : ''}${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`;
    for (const inst of r.instances ?? []) {
      const key =
        inst.index_key === undefined
          ? ''
          : typeof inst.index_key === 'number'
            ? `[${inst.index_key}]`
            : `[${JSON.stringify(inst.index_key)}]`;
      out.push({
        address: base + key,
        mode: r.mode,
        type: r.type,
        name: r.name,
        module: labelOf(r.module ?? ''),
        values: inst.attributes ?? {},
      });
    }
  }
  return out;
}
