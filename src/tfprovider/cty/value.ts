/**
 * The in-memory form of a cty value. Primitive values are plain JS values; lists, sets and tuples
 * are arrays; maps and objects are plain records (the type tells them apart); null is null.
 * Unknown and dynamic values need their own classes because plain JS has nothing that fits.
 */
import type { CtyType } from './type.js';

/**
 * A value Terraform does not know yet. `refinement` keeps the raw msgpack payload of a refined
 * unknown (ext type 12) so it goes back to Terraform byte for byte; `notNull` and `prefix` are
 * decoded from it because providers sometimes want to look.
 */
export class Unknown {
  constructor(
    readonly refinement?: Uint8Array,
    readonly notNull = false,
    readonly prefix?: string,
  ) {}
}

/** A value of an attribute typed `dynamic`, which carries its concrete type with it. */
export class Typed {
  constructor(
    readonly type: CtyType,
    readonly value: Value,
  ) {}
}

export type Value = null | string | number | boolean | Unknown | Typed | Value[] | { [key: string]: Value };
export type ObjectValue = { [key: string]: Value };

export const unknown = new Unknown();

export const isUnknown = (v: Value): v is Unknown => v instanceof Unknown;

export function isObject(v: Value | undefined): v is ObjectValue {
  return (
    v !== undefined &&
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    !(v instanceof Unknown) &&
    !(v instanceof Typed)
  );
}

/** True when no part of the value is unknown. */
export function isWhollyKnown(v: Value): boolean {
  if (v instanceof Unknown) return false;
  if (v instanceof Typed) return isWhollyKnown(v.value);
  if (Array.isArray(v)) return v.every(isWhollyKnown);
  if (isObject(v)) return Object.values(v).every(isWhollyKnown);
  return true;
}

/** Structural equality; two unknowns are equal when their refinements are. Sets compare in order, which holds for values built from the same config. */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a instanceof Unknown || b instanceof Unknown) {
    if (!(a instanceof Unknown && b instanceof Unknown)) return false;
    return Buffer.compare(Buffer.from(a.refinement ?? []), Buffer.from(b.refinement ?? [])) === 0;
  }
  if (a instanceof Typed || b instanceof Typed) {
    if (!(a instanceof Typed && b instanceof Typed)) return false;
    return JSON.stringify(a.type) === JSON.stringify(b.type) && valuesEqual(a.value, b.value);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => valuesEqual(x, b[i] as Value));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => k in b && valuesEqual(a[k] as Value, b[k] as Value));
  }
  return false;
}
