import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { decryptJwe, encryptJwe, signJws, verifyJws } from './jose.js';

const key = randomBytes(32);
const soon = () => Math.floor(Date.now() / 1000) + 60;

test('a signed token verifies with its key only, unaltered and unexpired', () => {
  const token = signJws({ exp: soon(), user: 'a' }, key);
  assert.deepEqual(verifyJws(token, key), {
    exp: JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).exp,
    user: 'a',
  });
  assert.equal(verifyJws(token, randomBytes(32)), undefined);
  const [h, , s] = token.split('.');
  const forged = `${h}.${Buffer.from(JSON.stringify({ exp: soon(), user: 'b' })).toString('base64url')}.${s}`;
  assert.equal(verifyJws(forged, key), undefined);
  assert.equal(verifyJws(signJws({ exp: 1 }, key), key), undefined, 'expired');
  const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${token.split('.')[1]}.`;
  assert.equal(verifyJws(none, key), undefined);
});

test('an encrypted payload decrypts with its key only, and not once altered or expired', () => {
  const jwe = encryptJwe({ exp: soon(), api_key: 'secret-key' }, key);
  assert.doesNotMatch(jwe, /secret-key/);
  assert.equal(decryptJwe<{ exp: number; api_key: string }>(jwe, key)?.api_key, 'secret-key');
  assert.equal(decryptJwe(jwe, randomBytes(32)), undefined);
  const parts = jwe.split('.');
  const ct = Buffer.from(parts[3]!, 'base64url');
  ct[0]! ^= 1;
  parts[3] = ct.toString('base64url');
  assert.equal(decryptJwe(parts.join('.'), key), undefined);
  parts[4] = parts[4]!.slice(0, 8);
  assert.equal(decryptJwe(parts.join('.'), key), undefined, 'a truncated tag is refused');
  assert.equal(decryptJwe(encryptJwe({ exp: 1 }, key), key), undefined, 'expired');
});
