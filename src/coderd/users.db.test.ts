import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HangarClient } from '../sdk/hangar-client.js';
import { expectError, startTestCoderd, type TestCoderd } from '../../test/support/coderd.js';

let t: TestCoderd;
before(async () => {
  t = await startTestCoderd();
});
after(() => t.close());

async function userCount(): Promise<number> {
  const r = await t.db.pool.query('SELECT count(*)::int AS n FROM users');
  return r.rows[0].n as number;
}

async function post(path: string, body: string, token: string, headers: Record<string, string> = {}) {
  return fetch(new URL(`/api/v2${path}`, t.url), {
    method: 'POST',
    headers: { 'Coder-Session-Token': token, 'Content-Type': 'application/json', ...headers },
    body,
  });
}

test('bad input is a 400 naming each field, and nothing is written', async () => {
  const owner = await t.owner();
  const before = await userCount();
  const cases: { body: unknown; fields: string[] }[] = [
    { body: { username: 'ok-name', email: 'a@example.com', password: 'short' }, fields: ['password'] },
    {
      body: { username: 'bad_name!', email: 'not-an-email', password: 'Valid-Passw0rd!' },
      fields: ['username', 'email'],
    },
    { body: { username: 'me', email: 'me@example.com', password: 'Valid-Passw0rd!' }, fields: ['username'] },
    {
      body: { username: 'x'.repeat(40), email: 'long@example.com', password: 'Valid-Passw0rd!' },
      fields: ['username'],
    },
    { body: { username: 42, email: 'num@example.com', password: 'Valid-Passw0rd!' }, fields: ['username'] },
    {
      body: { username: 'extra', email: 'extra@example.com', password: 'Valid-Passw0rd!', admin: true },
      fields: ['admin'],
    },
    { body: { email: 'missing@example.com', password: 'Valid-Passw0rd!' }, fields: ['username'] },
    {
      body: {
        username: 'rolebad',
        email: 'rb@example.com',
        password: 'Valid-Passw0rd!',
        roles: ['superuser'],
      },
      fields: ['roles'],
    },
  ];
  for (const c of cases) {
    const err = await expectError('invalid_input', () => owner.users.create(c.body as never));
    assert.deepEqual(
      [...new Set(err.validations.map((v) => v.field))].sort(),
      c.fields.sort(),
      JSON.stringify(c.body),
    );
  }
  const malformed = await post('/users', '{"username": ', owner.sessionToken!);
  assert.equal(malformed.status, 400);
  assert.match(((await malformed.json()) as { message: string }).message, /not valid JSON/);
  const huge = await post(
    '/users',
    JSON.stringify({ username: 'a', email: 'b@c.de', password: 'x'.repeat(2 << 20) }),
    owner.sessionToken!,
  );
  assert.equal(huge.status, 413);
  assert.equal(await userCount(), before);
});

test('duplicate usernames and emails are 409 naming the field, case-insensitively', async () => {
  const owner = await t.owner();
  await owner.users.create({ username: 'dupe', email: 'dupe@example.com', password: 'Valid-Passw0rd!' });
  const byName = await expectError('conflict', () =>
    owner.users.create({ username: 'DUPE', email: 'other@example.com', password: 'Valid-Passw0rd!' }),
  );
  assert.equal(byName.validations[0]?.field, 'username');
  const byEmail = await expectError('conflict', () =>
    owner.users.create({ username: 'dupe2', email: 'Dupe@Example.com', password: 'Valid-Passw0rd!' }),
  );
  assert.equal(byEmail.validations[0]?.field, 'email');
  // The failed creations left no half-written user or membership behind.
  const r = await t.db.pool.query(`SELECT count(*)::int AS n FROM users WHERE username IN ('dupe2', 'DUPE')`);
  assert.equal(r.rows[0].n, 0);
});

test('a member sees only themselves; other users are 404, admin actions 403', async () => {
  const alice = await t.newUser('alice');
  const bob = await t.newUser('bob');
  const list = await alice.client.users.list();
  assert.deepEqual(
    list.users.map((u) => u.username),
    ['alice'],
  );
  await expectError('not_found', () => alice.client.users.get('bob'));
  await expectError('not_found', () => alice.client.users.get(bob.id));
  await expectError('not_found', () => alice.client.users.suspend('bob'));
  await expectError('forbidden', () =>
    alice.client.users.create({ username: 'eve', email: 'eve@example.com', password: 'Valid-Passw0rd!' }),
  );
  await expectError('not_found', () => alice.client.users.listTokens('bob'));
  await expectError('forbidden', () => alice.client.users.suspend('alice'));
  await expectError('not_found', () => alice.client.health());
  assert.equal((await alice.client.users.get('me')).username, 'alice');
});

test('role matrix: template-admin and auditor read users, user-admin manages them but not owners', async () => {
  const ta = await t.newUser('tadmin', ['template-admin']);
  const aud = await t.newUser('auditor1', ['auditor']);
  const ua = await t.newUser('uadmin', ['user-admin']);
  for (const c of [ta.client, aud.client, ua.client]) {
    const names = (await c.users.list()).users.map((u) => u.username);
    assert.ok(names.includes('owner') && names.includes('tadmin'), names.join(','));
  }
  await expectError('forbidden', () =>
    ta.client.users.create({ username: 'x1', email: 'x1@example.com', password: 'Valid-Passw0rd!' }),
  );
  const created = await ua.client.users.create({
    username: 'byua',
    email: 'byua@example.com',
    password: 'Valid-Passw0rd!',
  });
  await ua.client.users.updateRoles('byua', ['template-admin']);
  await expectError('forbidden', () => ua.client.users.updateRoles(created.id, ['owner']));
  await expectError('forbidden', () => ua.client.users.updateRoles('owner', []));
  const roles = await ua.client.users.assignableRoles();
  assert.equal(roles.find((r) => r.name === 'owner')?.assignable, false);
  assert.equal(roles.find((r) => r.name === 'auditor')?.assignable, true);
});

test('suspending revokes sessions and tokens at once; activating allows login again', async () => {
  const owner = await t.owner();
  const carol = await t.newUser('carol');
  const { key } = await carol.client.users.createToken('me', { token_name: 'ci' });
  const tokenClient = new HangarClient(t.url, key);
  assert.equal((await tokenClient.users.get('me')).username, 'carol');
  const suspended = await owner.users.suspend('carol');
  assert.equal(suspended.status, 'suspended');
  await expectError('unauthenticated', () => carol.client.users.get('me'));
  await expectError('unauthenticated', () => tokenClient.users.get('me'));
  await expectError('unauthenticated', () =>
    t.anonymous().users.login({ email: 'carol@example.com', password: carol.password }),
  );
  await owner.users.activate('carol');
  await t.anonymous().users.login({ email: 'carol@example.com', password: carol.password });
  // The old keys stay revoked after reactivation.
  await expectError('unauthenticated', () => tokenClient.users.get('me'));
});

test('deleting a user revokes their keys and frees the username', async () => {
  const owner = await t.owner();
  const dave = await t.newUser('dave');
  await owner.users.delete('dave');
  await expectError('unauthenticated', () => dave.client.users.get('me'));
  await expectError('not_found', () => owner.users.get('dave'));
  const again = await owner.users.create({
    username: 'dave',
    email: 'dave@example.com',
    password: 'Valid-Passw0rd!',
  });
  assert.notEqual(again.id, dave.id);
  await expectError('forbidden', () => owner.users.delete('owner'));
});

test('password change: yourself needs the old password; the new one must be strong', async () => {
  const owner = await t.owner();
  const erin = await t.newUser('erin');
  await expectError('invalid_input', () =>
    erin.client.users.updatePassword('me', { password: 'New-Passw0rd!xy' }),
  );
  await expectError('invalid_input', () =>
    erin.client.users.updatePassword('me', { old_password: 'wrong', password: 'New-Passw0rd!xy' }),
  );
  const weak = await expectError('invalid_input', () =>
    erin.client.users.updatePassword('me', { old_password: erin.password, password: 'abc' }),
  );
  assert.equal(weak.validations[0]?.field, 'password');
  await erin.client.users.updatePassword('me', { old_password: erin.password, password: 'New-Passw0rd!xy' });
  await t.anonymous().users.login({ email: 'erin@example.com', password: 'New-Passw0rd!xy' });
  await owner.users.updatePassword('erin', { password: 'Reset-Passw0rd!z' });
  await t.anonymous().users.login({ email: 'erin@example.com', password: 'Reset-Passw0rd!z' });
  const stored = await t.db.pool.query(`SELECT hashed_password FROM users WHERE username = 'erin'`);
  assert.match(stored.rows[0].hashed_password, /^\$argon2id\$/);
});

test('organizations: one default organization with every user as a member', async () => {
  const owner = await t.owner();
  const frank = await t.newUser('frank');
  const orgs = await frank.client.organizations();
  assert.equal(orgs.length, 1);
  assert.equal(orgs[0]?.is_default, true);
  const members = await owner.organizationMembers('default');
  assert.ok(members.some((m) => m.username === 'frank'));
  assert.deepEqual((await frank.client.users.get('me')).organization_ids, [orgs[0]!.id]);
});

test('health report for owners shows the database latency', async () => {
  const owner = await t.owner();
  const h = await owner.health();
  assert.equal(h.healthy, true);
  assert.equal(h.database.reachable, true);
  assert.ok(h.database.latency_ms >= 0 && h.database.latency_ms < 1000);
});
