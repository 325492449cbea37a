import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { startTestCoderd, type TestCoderd } from '../../test/support/coderd.js';
import { dashboardCsp } from './site.js';

let t: TestCoderd;
let dir: string;
const script = 'console.log("dashboard");'.repeat(100);

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hangar-site-'));
  await mkdir(path.join(dir, 'assets'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
  await writeFile(path.join(dir, 'assets/index-Ab12.js'), script);
  await writeFile(path.join(dir, 'assets/index-Ab12.js.gz'), gzipSync(script));
  await writeFile(path.join(dir, 'favicon.svg'), '<svg/>');
  t = await startTestCoderd({}, { siteDir: dir });
});
after(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

const get = (p: string, headers: Record<string, string> = {}) => fetch(new URL(p, t.url), { headers });

test('any page path gets the app (deep links and reloads), revalidated, with the CSP', async () => {
  for (const p of ['/', '/workspaces', '/@owner/dev', '/templates/local/workspace?x=1']) {
    const res = await get(p);
    assert.equal(res.status, 200, p);
    assert.equal(await res.text(), '<!doctype html><div id="root"></div>');
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.equal(res.headers.get('content-security-policy'), dashboardCsp);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
  }
});

test('hashed assets are immutable for a year and sent compressed when the client takes it', async () => {
  const res = await get('/assets/index-Ab12.js', { 'accept-encoding': 'gzip, deflate' });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal(res.headers.get('content-encoding'), 'gzip');
  assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal(await res.text(), script, 'fetch decodes the gzip body back to the file');
  const plain = await get('/assets/index-Ab12.js', { 'accept-encoding': 'identity' });
  assert.equal(plain.headers.get('content-encoding'), null);
  assert.equal(Number(plain.headers.get('content-length')), script.length);
});

test('an unchanged file answers 304 to its ETag; other files revalidate', async () => {
  const first = await get('/favicon.svg');
  assert.equal(first.headers.get('cache-control'), 'no-cache');
  const etag = first.headers.get('etag')!;
  assert.ok(etag);
  const again = await get('/favicon.svg', { 'if-none-match': etag });
  assert.equal(again.status, 304);
});

test('a missing asset is a 404, not the app; the API keeps its JSON 404s', async () => {
  for (const p of ['/assets/index-Gone.js', '/old.css']) {
    const res = await get(p);
    assert.equal(res.status, 404, p);
    assert.doesNotMatch(await res.text(), /root/);
  }
  const api = await get('/api/v2/nothing-here');
  assert.equal(api.status, 404);
  assert.match((await api.json()).message, /not found/);
  const post = await fetch(new URL('/workspaces', t.url), { method: 'POST' });
  assert.equal(post.status, 404, 'only GET and HEAD reach the site');
});
