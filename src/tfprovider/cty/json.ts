/**
 * cty's JSON encoding: the form of stored state (UpgradeResourceState's raw_state) and of
 * `terraform show -json`. It cannot express unknown values. A dynamic value is
 * {"value": ..., "type": ...}.
 */
import { CodecError, type PathStep } from './codec-error.js';
import { parseType, type CtyType } from './type.js';
import { isObject, Typed, Unknown, type Value } from './value.js';

export interface FromJsonOptions {
  /** Drop object attributes the type does not have instead of failing (old state, newer schema). */
  lenient?: boolean;
}

export function fromJson(type: CtyType, json: unknown, options: FromJsonOptions = {}): Value {
  return decodeJson(type, json, [], options.lenient ?? false);
}

export function toJson(type: CtyType, value: Value): unknown {
  return encodeJson(type, value, []);
}

function decodeJson(type: CtyType, json: unknown, path: PathStep[], lenient: boolean): Value {
  if (json === null || json === undefined) return null;
  const fail = (what: string): never => {
    throw new CodecError(`expected ${what}, got ${JSON.stringify(json)}`, path);
  };
  if (type === 'dynamic') {
    if (!isRecord(json) || !('type' in json)) return fail('{"value": ..., "type": ...} for a dynamic value');
    const concrete = parseType(json.type);
    return new Typed(concrete, decodeJson(concrete, json.value, path, lenient));
  }
  if (type === 'string') {
    // cty's JSON decoder converts primitives to the wanted type; old states hold "true" and "5".
    if (typeof json === 'string') return json;
    if (typeof json === 'number' || typeof json === 'boolean') return String(json);
    return fail('a string');
  }
  if (type === 'bool') {
    if (typeof json === 'boolean') return json;
    if (json === 'true' || json === 'false') return json === 'true';
    return fail('a bool');
  }
  if (type === 'number') {
    if (typeof json === 'number') return json;
    if (typeof json === 'string' && json.trim() !== '' && !Number.isNaN(Number(json))) return Number(json);
    return fail('a number');
  }
  const [kind, arg] = type;
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(json)) return fail(`a ${kind}`);
    return json.map((el, i) => decodeJson(arg, el, [...path, i], lenient));
  }
  if (kind === 'tuple') {
    if (!Array.isArray(json) || json.length !== arg.length) return fail(`a tuple of ${arg.length}`);
    return json.map((el, i) => decodeJson(arg[i] as CtyType, el, [...path, i], lenient));
  }
  if (!isRecord(json)) return fail(`a ${kind}`);
  const out: Record<string, Value> = {};
  if (kind === 'map') {
    for (const [k, v] of Object.entries(json)) out[k] = decodeJson(arg, v, [...path, { key: k }], lenient);
    return out;
  }
  if (!lenient) {
    const extra = Object.keys(json).find((k) => !(k in arg));
    if (extra !== undefined) throw new CodecError(`unsupported attribute "${extra}"`, path);
  }
  for (const [k, t] of Object.entries(arg)) out[k] = decodeJson(t, json[k], [...path, k], lenient);
  return out;
}

function encodeJson(type: CtyType, value: Value, path: PathStep[]): unknown {
  if (value === null) return null;
  if (value instanceof Unknown) throw new CodecError('unknown values have no JSON form', path);
  const fail = (what: string): never => {
    throw new CodecError(`cannot encode ${JSON.stringify(value)} as ${what}`, path);
  };
  if (type === 'dynamic') {
    if (!(value instanceof Typed)) return fail('a dynamic value (wrap it in Typed)');
    return { value: encodeJson(value.type, value.value, path), type: value.type };
  }
  if (type === 'string') return typeof value === 'string' ? value : fail('a string');
  if (type === 'bool') return typeof value === 'boolean' ? value : fail('a bool');
  if (type === 'number')
    return typeof value === 'number' && Number.isFinite(value) ? value : fail('a number');
  const [kind, arg] = type;
  if (kind === 'list' || kind === 'set' || kind === 'tuple') {
    if (!Array.isArray(value)) return fail(`a ${kind}`);
    return value.map((el, i) => encodeJson(kind === 'tuple' ? (arg[i] as CtyType) : arg, el, [...path, i]));
  }
  if (!isObject(value)) return fail(`a ${kind}`);
  const out: Record<string, unknown> = {};
  if (kind === 'map') {
    for (const k of Object.keys(value).sort())
      out[k] = encodeJson(arg, value[k] as Value, [...path, { key: k }]);
  } else {
    for (const k of Object.keys(arg).sort())
      out[k] = encodeJson(arg[k] as CtyType, value[k] ?? null, [...path, k]);
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
