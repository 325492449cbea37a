/** Test helper: typed access to `terraform show -json` output. */
export interface ShownResource {
  address: string;
  type: string;
  mode: 'managed' | 'data';
  values: Record<string, unknown>;
}

interface Module {
  resources?: ShownResource[];
  child_modules?: Module[];
}

export interface ShownState {
  values?: { root_module?: Module; outputs?: Record<string, { value: unknown }> };
}

export function resourcesOf(state: ShownState): Map<string, ShownResource> {
  const out = new Map<string, ShownResource>();
  const walk = (m: Module | undefined) => {
    for (const r of m?.resources ?? []) out.set(r.address, r);
    for (const c of m?.child_modules ?? []) walk(c);
  };
  walk(state.values?.root_module);
  return out;
}

export function resource(state: ShownState, address: string): Record<string, unknown> {
  const r = resourcesOf(state).get(address);
  if (!r) throw new Error(`${address} is not in the state`);
  return r.values;
}
