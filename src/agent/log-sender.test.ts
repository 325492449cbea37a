import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineSplitter } from './log-sender.js';

test('lines split on \\n, CRLF endings trimmed, UTF-8 kept across chunk boundaries, last partial line on end', () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  const euro = Buffer.from('€'); // three bytes
  s.push(Buffer.concat([Buffer.from('a\r\nprice: '), euro.subarray(0, 1)]));
  s.push(Buffer.concat([euro.subarray(1), Buffer.from('5\n\nlast')]));
  assert.deepEqual(lines, ['a', 'price: €5', '']);
  s.end();
  assert.deepEqual(lines, ['a', 'price: €5', '', 'last']);
  s.end();
  assert.equal(lines.length, 4, 'nothing more after the end');
});
