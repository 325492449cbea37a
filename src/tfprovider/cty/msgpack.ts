/**
 * cty's msgpack encoding, the form Terraform uses for every DynamicValue it sends. Unknown is ext
 * type 0; a refined unknown (Terraform ≥ 1.6) is ext type 12 whose payload is a msgpack map of
 * refinements; a dynamic value is a two-element array [type JSON, value]; a number that float64
 * cannot hold may arrive as a decimal string.
 */
import { decode, encode, ExtensionCodec } from '@msgpack/msgpack';
import { CodecError, type PathStep } from './codec-error.js';
import { parseType, type CtyType } from './type.js';
import { isObject, Typed, Unknown, type Value } from './value.js';

const unknownExt = 0;
const refinedExt = 12;
// Keys of the refinement map (cty's msgpack refinement encoding).
const refinedNotNull = 1;
const refinedPrefix = 2;

const codec = new ExtensionCodec();
codec.register({
  type: unknownExt,
  encode: (v) => (v instanceof Unknown && !v.refinement ? new Uint8Array([0]) : null),
  decode: () => new Unknown(),
});
codec.register({
  type: refinedExt,
  encode: (v) => (v instanceof Unknown && v.refinement ? v.refinement : null),
  decode: (data) => {
    const payload = Uint8Array.from(data);
    const map = decode(payload) as Record<string, unknown> | null;
    const prefix = map?.[refinedPrefix];
    return new Unknown(
      payload,
      map?.[refinedNotNull] === true,
      typeof prefix === 'string' ? prefix : undefined,
    );
  },
});

/** Decodes Terraform's msgpack bytes as a value of `type`. Empty bytes mean null. */
export function fromMsgpack(type: CtyType, bytes: Uint8Array | undefined): Value {
  if (!bytes || bytes.length === 0) return null;
  let raw: unknown;
  try {
    raw = decode(bytes, { extensionCodec: codec });
  } catch (err) {
    throw new CodecError(`invalid msgpack: ${(err as Error).message}`, []);
  }
  return fromRaw(type, raw, []);
}

export function toMsgpack(type: CtyType, value: Value): Uint8Array {
  return encode(toRaw(type, value, []), { extensionCodec: codec, sortKeys: true });
}

function fromRaw(type: CtyType, raw: unknown, path: PathStep[]): Value {
  if (raw === null || raw === undefined) return null;
  if (raw instanceof Unknown) return raw;
  const fail = (what: string): never => {
    throw new CodecError(`expected ${what}, got ${describe(raw)}`, path);
  };
  if (type === 'dynamic') {
    if (!Array.isArray(raw) || raw.length !== 2) return fail('a [type, value] pair for a dynamic value');
    const [typeJson, inner] = raw as [unknown, unknown];
    const text =
      typeof typeJson === 'string' ? typeJson : Buffer.from(typeJson as Uint8Array).toString('utf8');
    const concrete = parseType(JSON.parse(text));
    return new Typed(concrete, fromRaw(concrete, inner, path));
  }
  if (type === 'string') return typeof raw === 'string' ? raw : fail('a string');
  if (type === 'bool') return typeof raw === 'boolean' ? raw : fail('a bool');
  if (type === 'number') {
    if (typeof raw === 'number') return raw;
    if (typeof raw === 'bigint') return Number(raw);
    if (typeof raw === 'string' && raw.trim() !== '' && !Number.isNaN(Number(raw))) return Number(raw);
    return fail('a number');
  }
  const [kind, arg] = type;
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(raw)) return fail(`a ${kind}`);
    return raw.map((el, i) => fromRaw(arg, el, [...path, i]));
  }
  if (kind === 'tuple') {
    if (!Array.isArray(raw) || raw.length !== arg.length) return fail(`a tuple of ${arg.length}`);
    return raw.map((el, i) => fromRaw(arg[i] as CtyType, el, [...path, i]));
  }
  if (typeof raw !== 'object' || Array.isArray(raw) || raw instanceof Uint8Array) return fail(`a ${kind}`);
  const rec = raw as Record<string, unknown>;
  const out: Record<string, Value> = {};
  if (kind === 'map') {
    for (const [k, v] of Object.entries(rec)) out[k] = fromRaw(arg, v, [...path, { key: k }]);
    return out;
  }
  // Objects: exactly the type's attributes; a missing one is null, an extra one is ignored.
  for (const [k, t] of Object.entries(arg)) out[k] = fromRaw(t, rec[k], [...path, k]);
  return out;
}

function toRaw(type: CtyType, value: Value, path: PathStep[]): unknown {
  if (value === null || value instanceof Unknown) return value;
  const fail = (what: string): never => {
    throw new CodecError(`cannot encode ${describe(value)} as ${what}`, path);
  };
  if (type === 'dynamic') {
    if (!(value instanceof Typed)) return fail('a dynamic value (wrap it in Typed)');
    if (value.value instanceof Unknown || value.value === null) return value.value;
    return [Buffer.from(JSON.stringify(value.type)), toRaw(value.type, value.value, path)];
  }
  if (type === 'string') return typeof value === 'string' ? value : fail('a string');
  if (type === 'bool') return typeof value === 'boolean' ? value : fail('a bool');
  if (type === 'number') return typeof value === 'number' ? value : fail('a number');
  const [kind, arg] = type;
  if (kind === 'list' || kind === 'set' || kind === 'tuple') {
    if (!Array.isArray(value)) return fail(`a ${kind}`);
    if (kind === 'tuple' && value.length !== arg.length) return fail(`a tuple of ${arg.length}`);
    return value.map((el, i) => toRaw(kind === 'tuple' ? (arg[i] as CtyType) : arg, el, [...path, i]));
  }
  if (!isObject(value)) return fail(`a ${kind}`);
  const out: Record<string, unknown> = {};
  if (kind === 'map') {
    for (const [k, v] of Object.entries(value)) out[k] = toRaw(arg, v, [...path, { key: k }]);
  } else {
    for (const [k, t] of Object.entries(arg)) out[k] = toRaw(t, value[k] ?? null, [...path, k]);
  }
  return out;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Uint8Array) return 'bytes';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}
