/**
 * Planning rules for managed resources, the way Terraform expects them:
 *   - start from Terraform's proposed new state (config merged with prior computed values);
 *   - fill schema defaults into null attributes;
 *   - on create, computed attributes without a value become unknown;
 *   - a changed (or unknown) force-new attribute or block asks for replacement, and computed
 *     values then become unknown because the new object gets new ones.
 */
import type { PathStep } from '../cty/codec-error.js';
import { isObject, valuesEqual, type ObjectValue, type Value } from '../cty/value.js';
import { applyDefaults, markComputedUnknown } from './block-values.js';
import type { Block } from './schema.js';

export interface PlanResult {
  planned: ObjectValue;
  requiresReplace: PathStep[][];
}

export function planChange(block: Block, prior: Value, proposed: ObjectValue): PlanResult {
  const planned = applyDefaults(block, proposed) as ObjectValue;
  if (!isObject(prior)) {
    markComputedUnknown(block, planned);
    return { planned, requiresReplace: [] };
  }
  const requiresReplace: PathStep[][] = [];
  for (const [name, a] of Object.entries(block.attributes)) {
    if (a.forceNew && !valuesEqual(prior[name] ?? null, planned[name] ?? null)) requiresReplace.push([name]);
  }
  for (const [name, nb] of Object.entries(block.blocks ?? {})) {
    if (nb.forceNew && !valuesEqual(prior[name] ?? null, planned[name] ?? null)) requiresReplace.push([name]);
  }
  if (requiresReplace.length > 0) {
    // Values computed for the old object do not carry over to its replacement.
    for (const [name, a] of Object.entries(block.attributes)) {
      if (a.computed && !a.optional) planned[name] = null;
    }
    markComputedUnknown(block, planned);
  }
  return { planned, requiresReplace };
}
