import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HangarClient } from '../sdk/hangar-client.js';
import { expectError, startTestCoderd, type TestCoderd } from '../../test/support/coderd.js';

let t: TestCoderd;
before(async () => {
  t = await startTestCoderd();
});
after(() => t.close());

test('named tokens: create, use, list, get, delete; only a hash of the secret is stored', async () => {
  const owner = await t.owner();
  const { key } = await owner.users.createToken('me', { token_name: 'deploy', lifetime: 3_600_000_000_000 });
  const [id, secret] = key.split('-');
  const viaToken = new HangarClient(t.url, key);
  assert.equal((await viaToken.users.get('me')).username, 'owner');
  const tokens = await owner.users.listTokens('me');
  assert.deepEqual(
    tokens.map((k) => k.token_name),
    ['deploy'],
  );
  assert.equal(tokens[0]?.lifetime_seconds, 3600);
  assert.equal((await owner.users.getToken('me', 'deploy')).id, id);
  const row = await t.db.pool.query('SELECT hashed_secret FROM api_keys WHERE id = $1', [id]);
  assert.equal(row.rows[0].hashed_secret.length, 32);
  assert.ok(!row.rows[0].hashed_secret.toString('utf8').includes(secret));
  await owner.users.deleteKey('me', id!);
  await expectError('unauthenticated', () => viaToken.users.get('me'));
});

test('token bad input: duplicate name 409, lifetime over the maximum 400 naming lifetime', async () => {
  const owner = await t.owner();
  await owner.users.createToken('me', { token_name: 'dup' });
  const dup = await expectError('conflict', () => owner.users.createToken('me', { token_name: 'dup' }));
  assert.equal(dup.validations[0]?.field, 'token_name');
  const long = await expectError('invalid_input', () =>
    owner.users.createToken('me', { token_name: 'long', lifetime: 9_000 * 3600 * 1e9 }),
  );
  assert.equal(long.validations[0]?.field, 'lifetime');
  const badName = await expectError('invalid_input', () =>
    owner.users.createToken('me', { token_name: 'has space' }),
  );
  assert.equal(badName.validations[0]?.field, 'token_name');
  const cfg = await owner.users.tokenConfig('me');
  assert.equal(cfg.max_token_lifetime, 8760 * 3600 * 1e9);
});

test("a user cannot see or delete another user's tokens (404)", async () => {
  const owner = await t.owner();
  const { key } = await owner.users.createToken('me', { token_name: 'private' });
  const mallory = await t.newUser('mallory');
  await expectError('not_found', () => mallory.client.users.deleteKey('owner', key.split('-')[0]!));
  await expectError('not_found', () => mallory.client.users.deleteKey('me', key.split('-')[0]!));
  assert.equal((await new HangarClient(t.url, key).users.get('me')).username, 'owner');
});

test('an expired token is refused', async () => {
  const owner = await t.owner();
  const { key } = await owner.users.createToken('me', { token_name: 'short' });
  await t.db.pool.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [
    key.split('-')[0],
  ]);
  const err = await expectError('unauthenticated', () => new HangarClient(t.url, key).users.get('me'));
  assert.match(err.message, /expired/);
});

test('a token created without a name gets a generated one, as in Coder', async () => {
  const owner = await t.owner();
  const { key } = await owner.users.createToken('me', {});
  const listed = await owner.users.listTokens('me');
  const mine = listed.find((k) => k.id === key.split('-')[0]);
  assert.match(mine?.token_name ?? '', /^token-[0-9a-f]{8}$/);
});
