/**
 * Schema-driven walks over block values: defaults, validators, and the computed-attribute rules
 * planning and applying need. Each walk descends into nested blocks; list and set blocks are
 * arrays of block objects, single blocks are one object.
 */
import type { PathStep } from '../cty/codec-error.js';
import { isObject, Unknown, unknown, type ObjectValue, type Value } from '../cty/value.js';
import type { Diagnostics } from './diagnostics.js';
import type { Block } from './schema.js';

type AttrVisit = (block: Block, obj: ObjectValue, path: readonly PathStep[]) => void;

/** Calls `visit` for the block object and every nested block object inside it. */
export function forEachBlockObject(
  block: Block,
  value: Value,
  visit: AttrVisit,
  path: PathStep[] = [],
): void {
  if (!isObject(value)) return;
  visit(block, value, path);
  for (const [name, nb] of Object.entries(block.blocks ?? {})) {
    const inner = value[name];
    if (nb.nesting === 'single') forEachBlockObject(nb.block, inner ?? null, visit, [...path, name]);
    else if (Array.isArray(inner)) {
      inner.forEach((el, i) => forEachBlockObject(nb.block, el, visit, [...path, name, i]));
    }
  }
}

/** A deep copy, so walks that fill values never touch the request's objects. */
export function cloneValue<T extends Value>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneValue) as T;
  if (isObject(v)) {
    const out: ObjectValue = {};
    for (const [k, x] of Object.entries(v)) out[k] = cloneValue(x);
    return out as T;
  }
  return v;
}

/** Fills attributes that are null in the value with their schema default. */
export function applyDefaults(block: Block, value: Value): Value {
  const out = cloneValue(value);
  forEachBlockObject(block, out, (b, obj) => {
    for (const [name, a] of Object.entries(b.attributes)) {
      if (a.default !== undefined && (obj[name] ?? null) === null) obj[name] = cloneValue(a.default);
    }
  });
  return out;
}

/** Runs attribute validators on known, non-null values. */
export function runValidators(block: Block, value: Value, diags: Diagnostics): void {
  forEachBlockObject(block, value, (b, obj, path) => {
    for (const [name, a] of Object.entries(b.attributes)) {
      const v = obj[name] ?? null;
      if (v === null || v instanceof Unknown) continue;
      for (const validate of a.validate ?? []) validate(v, [...path, name], diags);
    }
  });
}

/** Marks computed-only attributes that have no value as unknown (what a create plans). */
export function markComputedUnknown(block: Block, value: Value): void {
  forEachBlockObject(block, value, (b, obj) => {
    for (const [name, a] of Object.entries(b.attributes)) {
      if (a.computed && (obj[name] ?? null) === null) obj[name] = unknown;
    }
  });
}

/** Replaces whatever is still unknown with null: a finished apply or read may not leave unknowns. */
export function unknownsToNull(value: Value): Value {
  if (value instanceof Unknown) return null;
  if (Array.isArray(value)) return value.map(unknownsToNull);
  if (isObject(value)) {
    const out: ObjectValue = {};
    for (const [k, v] of Object.entries(value)) out[k] = unknownsToNull(v);
    return out;
  }
  return value;
}
