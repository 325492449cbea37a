// CSRF protection of cookie-authenticated writes (coder/coder#13922), with real HTTP requests.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { firstUser, startTestCoderd, type TestCoderd } from '../../../test/support/coderd.js';

let coderd: TestCoderd;
let session: string;
let csrf: string;

function cookie(res: Response, name: string): string | undefined {
  const line = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  return line?.slice(name.length + 1).split(';')[0];
}

before(async () => {
  coderd = await startTestCoderd();
  await coderd.owner();
  const res = await fetch(new URL('/api/v2/users/login', coderd.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: firstUser.email, password: firstUser.password }),
  });
  session = cookie(res, 'coder_session_token')!;
  csrf = cookie(res, 'csrf_token')!;
  assert.ok(session && csrf, 'login sets the session and CSRF cookies');
});
after(() => coderd.close());

const createToken = (headers: Record<string, string>, name: string) =>
  fetch(new URL('/api/v2/users/me/keys/tokens', coderd.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ token_name: name }),
  });

test('a cookie-authenticated write needs the X-CSRF-TOKEN header matching the session', async () => {
  const withCookie = { Cookie: `coder_session_token=${session}; csrf_token=${csrf}` };
  const missing = await createToken(withCookie, 'a');
  assert.equal(missing.status, 400);
  assert.match(((await missing.json()) as { message: string }).message, /CSRF/);
  // A value planted by a sibling subdomain (cookie tossing) is not the session's HMAC.
  const planted = await createToken(
    { Cookie: `coder_session_token=${session}; csrf_token=planted`, 'X-CSRF-TOKEN': 'planted' },
    'b',
  );
  assert.equal(planted.status, 400);
  const ok = await createToken({ ...withCookie, 'X-CSRF-TOKEN': csrf }, 'c');
  assert.equal(ok.status, 201);
});

test('header-authenticated writes need no CSRF token; cookie reads refresh a missing CSRF cookie', async () => {
  assert.equal((await createToken({ 'Coder-Session-Token': session }, 'd')).status, 201);
  const read = await fetch(new URL('/api/v2/users/me', coderd.url), {
    headers: { Cookie: `coder_session_token=${session}` },
  });
  assert.equal(read.status, 200);
  assert.equal(cookie(read, 'csrf_token'), csrf);
});
