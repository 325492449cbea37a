import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HangarClient } from '../sdk/hangar-client.js';
import { expectError, firstUser, startTestCoderd, type TestCoderd } from '../../test/support/coderd.js';

let t: TestCoderd;
before(async () => {
  t = await startTestCoderd();
});
after(() => t.close());

test('first-user setup: 404 before, created once, concurrent second attempt conflicts', async () => {
  const anon = t.anonymous();
  assert.equal(await anon.users.hasFirstUser(), false);
  const attempts = await Promise.allSettled([
    anon.users.createFirstUser(firstUser),
    // The same body twice: whichever wins, later tests can log in as firstUser.
    anon.users.createFirstUser(firstUser),
  ]);
  assert.equal(attempts.filter((a) => a.status === 'fulfilled').length, 1);
  const failed = attempts.find((a) => a.status === 'rejected') as PromiseRejectedResult;
  assert.equal(failed.reason.code, 'conflict');
  assert.equal(await anon.users.hasFirstUser(), true);
  const res = await anon.fetchRaw('GET', '/users/first');
  assert.equal(res.status, 200);
});

test('login with the right password gives a working session; wrong password is 401', async () => {
  const anon = t.anonymous();
  await expectError('unauthenticated', () =>
    anon.users.login({ email: firstUser.email, password: 'nope-Wrong-pw1!' }),
  );
  await expectError('unauthenticated', () =>
    anon.users.login({ email: 'nobody@example.com', password: 'x' }),
  );
  const { session_token } = await anon.users.login({ email: firstUser.email, password: firstUser.password });
  assert.match(session_token, /^[a-zA-Z0-9]{10}-[a-zA-Z0-9]{22}$/);
  const me = await new HangarClient(t.url, session_token).users.get('me');
  assert.equal(me.username, firstUser.username);
  assert.deepEqual(
    me.roles.map((r) => r.name),
    ['owner'],
  );
  assert.equal(me.organization_ids.length, 1);
});

test('login sets an HttpOnly session cookie that authenticates', async () => {
  const res = await fetch(new URL('/api/v2/users/login', t.url), {
    method: 'POST',
    body: JSON.stringify({ email: firstUser.email, password: firstUser.password }),
  });
  const cookie = res.headers.get('set-cookie') ?? '';
  assert.match(cookie, /coder_session_token=[^;]+; Path=\/; HttpOnly; SameSite=Lax/);
  const me = await fetch(new URL('/api/v2/users/me', t.url), { headers: { cookie: cookie.split(';')[0]! } });
  assert.equal(me.status, 200);
});

test('logout revokes the session at once', async () => {
  const c = await t.owner();
  const { session_token } = await t
    .anonymous()
    .users.login({ email: firstUser.email, password: firstUser.password });
  const s = new HangarClient(t.url, session_token);
  await s.users.logout();
  await expectError('unauthenticated', () => s.users.get('me'));
  assert.equal((await c.users.get('me')).username, 'owner');
});

test('requests without or with malformed tokens are 401 with the error shape', async () => {
  const res = await fetch(new URL('/api/v2/users/me', t.url));
  assert.equal(res.status, 401);
  const body = (await res.json()) as { message: string };
  assert.match(body.message, /logged in/);
  const bad = await fetch(new URL('/api/v2/users/me', t.url), {
    headers: { 'Coder-Session-Token': 'garbage' },
  });
  assert.equal(bad.status, 401);
  const forged = await fetch(new URL('/api/v2/users/me', t.url), {
    headers: { 'Coder-Session-Token': 'aaaaaaaaaa-bbbbbbbbbbbbbbbbbbbbbb' },
  });
  assert.equal(forged.status, 401);
});

test('a cookie-authenticated write must come from the dashboard origin (CSRF)', async () => {
  const login = await fetch(new URL('/api/v2/users/login', t.url), {
    method: 'POST',
    body: JSON.stringify({ email: firstUser.email, password: firstUser.password }),
  });
  const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
  // The CSRF token (httpmw/csrf.ts) the dashboard copies from its cookie into X-CSRF-TOKEN.
  const csrf = login.headers
    .getSetCookie()
    .find((c) => c.startsWith('csrf_token='))!
    .split(';')[0]!
    .slice('csrf_token='.length);
  const { session_token } = (await login.json()) as { session_token: string };
  const host = new URL(t.url).host;
  const createToken = (headers: Record<string, string>) =>
    fetch(new URL('/api/v2/users/me/keys/tokens', t.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: '{}',
    });

  const foreign = await createToken({ cookie, origin: 'https://evil.example' });
  assert.equal(foreign.status, 403);
  assert.match(((await foreign.json()) as { message: string }).message, /Cross-site request refused/);
  const crossSite = await createToken({ cookie, 'sec-fetch-site': 'same-site' });
  assert.equal(crossSite.status, 403, 'a sibling subdomain (a workspace app) is refused too');
  assert.equal((await createToken({ cookie, origin: 'null' })).status, 403);

  const token = { 'x-csrf-token': csrf };
  assert.equal((await createToken({ cookie, origin: `http://${host}`, ...token })).status, 201);
  assert.equal((await createToken({ cookie, 'sec-fetch-site': 'same-origin', ...token })).status, 201);
  assert.equal(
    (await createToken({ cookie, ...token })).status,
    201,
    'a non-browser client sends neither header',
  );
  assert.equal(
    (await createToken({ cookie, origin: `http://${host}` })).status,
    400,
    'even from the dashboard origin, a cookie write needs the CSRF token',
  );
  const viaHeader = await createToken({
    'Coder-Session-Token': session_token,
    origin: 'https://evil.example',
  });
  assert.equal(viaHeader.status, 201, 'a header token cannot be sent cross-site, so it needs no check');
  const read = await fetch(new URL('/api/v2/users/me', t.url), {
    headers: { cookie, origin: 'https://evil.example' },
  });
  assert.equal(read.status, 200, 'reads are not writes (CORS keeps their answers from the other site)');
});

test('using a session records the user as seen (also in a time zone far from UTC)', async () => {
  const c = await t.newUser('seen-user');
  const before = Date.now();
  await c.client.users.get('me');
  const seen = Date.parse((await c.client.users.get('me')).last_seen_at);
  assert.ok(
    seen >= before - 1000 && seen <= Date.now() + 1000,
    `last_seen_at ${new Date(seen).toISOString()}`,
  );
});

test('login is rate limited per client address', async () => {
  let limited: Response | undefined;
  for (let i = 0; i < 70 && !limited; i++) {
    const res = await fetch(new URL('/api/v2/users/login', t.url), {
      method: 'POST',
      body: JSON.stringify({ email: 'x@example.com', password: '' }),
    });
    if (res.status === 429) limited = res;
  }
  assert.ok(limited, 'expected a 429 within 70 attempts');
  assert.ok(Number(limited.headers.get('retry-after')) > 0);
});

test('unknown routes are JSON 404s and responses carry the build version header', async () => {
  const res = await fetch(new URL('/api/v2/nope', t.url));
  assert.equal(res.status, 404);
  assert.equal(res.headers.get('x-coder-build-version'), '0.1.0');
  assert.match(((await res.json()) as { message: string }).message, /not found/);
  const health = await fetch(new URL('/healthz', t.url));
  assert.equal(await health.text(), 'OK');
});
