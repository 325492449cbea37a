import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { test } from 'node:test';
import { JsonMessageSplitter } from './json-messages.js';

test('splits concatenated objects across arbitrary chunk boundaries, braces in strings included', () => {
  const got: unknown[] = [];
  const s = new JsonMessageSplitter((m) => got.push(m));
  const text = '{"data":"echo }{\\"x\\"\\r"}\n{"height":40,"width":132}{"data":"ü"}';
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += 3) s.push(bytes.subarray(i, i + 3));
  assert.deepEqual(got, [{ data: 'echo }{"x"\r' }, { height: 40, width: 132 }, { data: 'ü' }]);
});

test('rejects bytes that are not JSON objects and oversized messages', () => {
  const s = new JsonMessageSplitter(() => {});
  assert.throws(() => s.push(Buffer.from('ls\r')), /other than JSON objects/);
  const small = new JsonMessageSplitter(() => {}, 10);
  assert.throws(() => small.push(Buffer.from('{"data":"0123456789')), /larger than 10 bytes/);
});
