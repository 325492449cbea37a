import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decode, encode } from '@msgpack/msgpack';
import { fromJson, toJson } from './json.js';
import { fromMsgpack, toMsgpack } from './msgpack.js';
import type { CtyType } from './type.js';
import { isWhollyKnown, Typed, Unknown, unknown, valuesEqual, type Value } from './value.js';

const obj: CtyType = ['object', { name: 'string', n: 'number', ok: 'bool', tags: ['map', 'string'] }];

// [name, type, value, JSON form or undefined when the value has no JSON form]
const table: [string, CtyType, Value, unknown][] = [
  ['string', 'string', 'héllo', 'héllo'],
  ['empty string', 'string', '', ''],
  ['integer', 'number', 42, 42],
  ['negative float', 'number', -1.5, -1.5],
  ['large integer', 'number', 2 ** 53 - 1, 2 ** 53 - 1],
  ['bool', 'bool', false, false],
  ['null string', 'string', null, null],
  ['list', ['list', 'string'], ['a', 'b'], ['a', 'b']],
  ['empty list', ['list', 'number'], [], []],
  ['set', ['set', 'number'], [1, 2, 3], [1, 2, 3]],
  ['map', ['map', 'bool'], { a: true, b: false }, { a: true, b: false }],
  ['tuple', ['tuple', ['string', 'number']], ['x', 1], ['x', 1]],
  [
    'object',
    obj,
    { name: 'a', n: 1, ok: true, tags: { k: 'v' } },
    { n: 1, name: 'a', ok: true, tags: { k: 'v' } },
  ],
  [
    'object with nulls',
    obj,
    { name: null, n: null, ok: null, tags: null },
    { n: null, name: null, ok: null, tags: null },
  ],
  [
    'list of objects (nested block)',
    ['list', obj],
    [{ name: 'x', n: 2, ok: false, tags: {} }],
    [{ n: 2, name: 'x', ok: false, tags: {} }],
  ],
  ['dynamic string', 'dynamic', new Typed('string', 'd'), { value: 'd', type: 'string' }],
  [
    'dynamic list',
    'dynamic',
    new Typed(['list', 'number'], [1, 2]),
    { value: [1, 2], type: ['list', 'number'] },
  ],
  ['unknown', 'string', unknown, undefined],
  ['unknown inside object', obj, { name: unknown, n: 1, ok: true, tags: null }, undefined],
  ['unknown list element', ['list', 'string'], ['a', unknown], undefined],
];

for (const [name, type, value, json] of table) {
  test(`msgpack round trip: ${name}`, () => {
    const back = fromMsgpack(type, toMsgpack(type, value));
    assert.ok(valuesEqual(back, value), `got ${JSON.stringify(back)}`);
  });
  if (json !== undefined) {
    test(`JSON round trip: ${name}`, () => {
      assert.deepEqual(toJson(type, value), json);
      assert.ok(valuesEqual(fromJson(type, json), value));
    });
  } else {
    test(`JSON refuses unknowns: ${name}`, () => {
      assert.equal(isWhollyKnown(value), false);
      assert.throws(() => toJson(type, value), /unknown values have no JSON form/);
    });
  }
}

test('plain unknown is fixext1 type 0, as Terraform sends it', () => {
  assert.deepEqual([...toMsgpack('string', unknown)], [0xd4, 0x00, 0x00]);
  assert.ok(fromMsgpack('string', Uint8Array.from([0xd4, 0x00, 0x00])) instanceof Unknown);
});

test('no object (a single nil, or empty bytes) decodes to null', () => {
  assert.equal(fromMsgpack(obj, Uint8Array.from([0xc0])), null);
  assert.equal(fromMsgpack(obj, new Uint8Array()), null);
  assert.deepEqual([...toMsgpack(obj, null)], [0xc0]);
});

test('a refined unknown (ext 12) keeps its refinement byte for byte', () => {
  // What Terraform 1.11 sends for "pre-${unknown}": not null, string prefix "pre-".
  // fixmap of 2: 1 => false, 2 => "pre-" (integer keys, which @msgpack/msgpack cannot encode).
  const payload = [0x82, 0x01, 0xc2, 0x02, 0xa4, ...Buffer.from('pre-')];
  const ext = Uint8Array.from([0xc7, payload.length, 12, ...payload]);
  const v = fromMsgpack('string', ext);
  assert.ok(v instanceof Unknown);
  assert.equal(v.prefix, 'pre-');
  assert.deepEqual([...toMsgpack('string', v)], [...ext]);
});

test('numbers cty sends as decimal strings decode', () => {
  assert.equal(fromMsgpack('number', encode('12345678901234567890')), Number('12345678901234567890'));
});

test('a dynamic value is [type JSON, value] on the wire', () => {
  const raw = decode(toMsgpack('dynamic', new Typed('bool', true))) as [Uint8Array, boolean];
  assert.equal(Buffer.from(raw[0]).toString(), '"bool"');
  assert.equal(raw[1], true);
});

test('objects encode with sorted keys, so equal values give equal bytes', () => {
  const a = toMsgpack(obj, { tags: null, ok: true, n: 1, name: 'x' });
  const b = toMsgpack(obj, { name: 'x', n: 1, ok: true, tags: null });
  assert.deepEqual([...a], [...b]);
});

test('type mismatches are errors with the path', () => {
  assert.throws(() => fromMsgpack(obj, encode({ name: 5 })), /expected a string, got number 5 \(at name\)/);
  assert.throws(() => fromJson(['list', 'bool'], [true, 'nope']), /expected a bool.*\(at \[1\]\)/);
  assert.throws(() => toMsgpack('number', 'x'), /cannot encode/);
});

test('JSON from old state converts primitives and, when lenient, drops removed attributes', () => {
  assert.deepEqual(
    fromJson(['object', { n: 'number', s: 'string' }], { n: '5', s: 7, gone: 1 }, { lenient: true }),
    {
      n: 5,
      s: '7',
    },
  );
  assert.throws(() => fromJson(['object', { n: 'number' }], { gone: 1 }), /unsupported attribute "gone"/);
});
