import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { test } from 'node:test';
import { RingBuffer } from './ring-buffer.js';

test('keeps everything until full, then the most recent bytes in order', () => {
  const r = new RingBuffer(8);
  r.write(Buffer.from('abc'));
  assert.equal(r.snapshot().toString(), 'abc');
  r.write(Buffer.from('defgh'));
  assert.equal(r.snapshot().toString(), 'abcdefgh');
  r.write(Buffer.from('ij'));
  assert.equal(r.snapshot().toString(), 'cdefghij');
  r.write(Buffer.from('0123456789xyz'));
  assert.equal(r.snapshot().toString(), '56789xyz');
  assert.equal(r.length, 8);
  r.write(Buffer.from('k'));
  assert.equal(r.snapshot().toString(), '6789xyzk');
});
