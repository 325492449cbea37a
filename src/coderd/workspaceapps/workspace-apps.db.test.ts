// Workspace apps end to end: a real coderd, a real agent, an app server in the "workspace", and
// real clients (curl, a WebSocket client, raw HTTP) through path and subdomain URLs.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { WebSocket } from 'ws';
import { HangarClient } from '../../sdk/hangar-client.js';
import { startTestCoderd, type TestCoderd } from '../../../test/support/coderd.js';
import {
  createAgentWorkspace,
  insertNextBuild,
  startAgent,
  type AgentWorkspace,
} from '../../../test/support/agent-workspace.js';
import { startEchoApp, type EchoApp, type EchoSeen } from '../../../test/support/echo-app.js';
import { httpRequest, loopbackLookup } from '../../../test/support/http-request.js';

const run = promisify(execFile);

let coderd: TestCoderd;
let port: number;
let echo: EchoApp;
let ws: AgentWorkspace;
let agent: Awaited<ReturnType<typeof startAgent>>;
let ownerToken: string;
let member: { token: string; id: string };

before(async () => {
  coderd = await startTestCoderd({ wildcardAccessUrl: '*.apps.localhost' });
  port = Number(new URL(coderd.url).port);
  const owner = await coderd.owner();
  ownerToken = owner.sessionToken!;
  const ownerId = (await owner.users.get('me')).id;
  const m = await coderd.newUser('member');
  member = { token: m.client.sessionToken!, id: m.id };
  echo = await startEchoApp();
  ws = await createAgentWorkspace(coderd, {
    ownerId,
    name: 'apps',
    maxPortShareLevel: 'authenticated',
    apps: [
      { slug: 'echo', url: echo.url },
      { slug: 'echo-base', url: `${echo.url}/base/?folder=/home` },
      { slug: 'path-public', url: echo.url, sharing_level: 'public' },
      { slug: 'sub-owner', url: echo.url, subdomain: true },
      { slug: 'sub-auth', url: echo.url, subdomain: true, sharing_level: 'authenticated' },
      { slug: 'sub-public', url: echo.url, subdomain: true, sharing_level: 'public' },
      { slug: 'down', url: 'http://127.0.0.1:9', subdomain: true },
      { slug: 'docs', url: 'https://example.com', external: true },
    ],
  });
  agent = await startAgent(coderd, ws);
});
after(async () => {
  await agent?.close();
  await echo?.close();
  await coderd?.close();
});

const pathUrl = (slug: string, rest = '/') => `${coderd.url}@owner/${ws.workspaceName}/apps/${slug}${rest}`;
const subHost = (slugOrPort: string, user = 'owner', workspace = ws.workspaceName) =>
  `${slugOrPort}--main--${workspace}--${user}.apps.localhost:${port}`;
const subUrl = (slugOrPort: string, rest = '/', user?: string, workspace?: string) =>
  `http://${subHost(slugOrPort, user, workspace)}${rest}`;
const auth = (token: string) => ({ 'Coder-Session-Token': token });

async function curl(...args: string[]): Promise<string> {
  return (await run('curl', ['-sS', '--max-time', '20', ...args])).stdout;
}

describe('path apps', () => {
  test('curl reaches the app with the prefix stripped; no Hangar credential reaches it', async () => {
    const out = await curl(
      '-H',
      `Coder-Session-Token: ${ownerToken}`,
      '-H',
      `Cookie: coder_session_token=${ownerToken}; theme=dark; coder_signed_app_token=x`,
      pathUrl('echo', `/hello/world?x=1&coder_session_token=${ownerToken}`),
    );
    const seen = JSON.parse(out) as EchoSeen;
    assert.equal(seen.url, '/hello/world?x=1');
    assert.equal(seen.headers.cookie, 'theme=dark');
    assert.equal(seen.headers['coder-session-token'], undefined);
    assert.doesNotMatch(JSON.stringify(seen), new RegExp(ownerToken));
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(seen.headers['x-forwarded-host'], `127.0.0.1:${port}`);
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
    assert.equal(seen.headers.host, `127.0.0.1:${port}`);
  });

  test('the base without a slash redirects; default query parameters of the app URL are added', async () => {
    const bare = await httpRequest(pathUrl('echo', '?a=b'), { headers: auth(ownerToken) });
    assert.equal(bare.status, 307);
    assert.equal(bare.headers.location, `/@owner/${ws.workspaceName}/apps/echo/?a=b`);
    const base = await httpRequest(pathUrl('echo-base', '/'), { headers: auth(ownerToken) });
    assert.equal(base.status, 307);
    assert.equal(base.headers.location, `/@owner/${ws.workspaceName}/apps/echo-base/?folder=/home`);
    const seen = JSON.parse(
      (await httpRequest(pathUrl('echo-base', '/x?folder=/home'), { headers: auth(ownerToken) })).text,
    ) as EchoSeen;
    assert.equal(seen.url, '/base/x?folder=/home');
  });

  test('request and response bodies stream both ways (8 MiB each)', async () => {
    const body = Buffer.alloc(8 << 20, 7);
    const up = JSON.parse(
      (await httpRequest(pathUrl('echo', '/upload'), { method: 'POST', headers: auth(ownerToken), body }))
        .text,
    ) as EchoSeen;
    assert.equal(up.bodyBytes, body.length);
    assert.equal(up.bodySha256, createHash('sha256').update(body).digest('hex'));
    const down = await httpRequest(pathUrl('echo', `/bytes?n=${8 << 20}`), { headers: auth(ownerToken) });
    assert.equal(down.body.length, 8 << 20);
  });

  test('a WebSocket client talks to the app through the path URL with the session cookie', async () => {
    const url = pathUrl('echo', '/ws?q=1').replace('http:', 'ws:');
    const sock = new WebSocket(url, {
      headers: { Cookie: `coder_session_token=${ownerToken}; keep=me`, Origin: new URL(coderd.url).origin },
    });
    const messages: string[] = [];
    sock.on('message', (d) => messages.push(d.toString()));
    await new Promise((resolve, reject) => {
      sock.once('open', resolve);
      sock.once('error', reject);
    });
    sock.send('ping over the tunnel');
    while (messages.length < 2) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(JSON.parse(messages[0]!), { hello: '/ws?q=1', cookie: 'keep=me' });
    assert.equal(messages[1], 'ping over the tunnel');
    sock.close();
  });

  test("the app's CORS headers and attempts to set Hangar cookies are filtered out", async () => {
    const r = await httpRequest(pathUrl('echo', '/cors'), { headers: auth(ownerToken) });
    assert.equal(r.status, 200);
    assert.equal(r.headers['access-control-allow-origin'], undefined);
    assert.equal(r.headers['access-control-allow-credentials'], undefined);
    assert.equal(r.headers.vary, 'Accept-Encoding');
    const cookies = r.headers['set-cookie'] ?? [];
    assert.ok(cookies.some((c) => c.startsWith('app_cookie=1')));
    assert.ok(!cookies.some((c) => c.startsWith('coder_session_token=')), cookies.join('\n'));
  });

  test("another user gets 404 for the owner's path app, even one shared publicly (path sharing is off)", async () => {
    for (const slug of ['echo', 'path-public']) {
      const r = await httpRequest(pathUrl(slug), { headers: auth(member.token) });
      assert.equal(r.status, 404, slug);
      assert.match(r.text, /Application Not Found/);
    }
    const anonymous = await httpRequest(pathUrl('echo', '/deep?x=1'));
    assert.equal(anonymous.status, 303);
    assert.equal(
      anonymous.headers.location,
      `/login?redirect=${encodeURIComponent(`/@owner/${ws.workspaceName}/apps/echo/deep?x=1`)}`,
    );
  });

  test('an unreachable app gets a 502 page with the reason; external apps are not proxied', async () => {
    const dead = await httpRequest(subUrl('down'), { headers: auth(ownerToken) });
    assert.equal(dead.status, 502);
    assert.match(dead.text, /connection refused on 127\.0\.0\.1:9/);
    const ext = await httpRequest(pathUrl('docs'), { headers: auth(ownerToken) });
    assert.equal(ext.status, 400);
    assert.match(ext.text, /external link/);
  });
});

describe('subdomain apps and dev URLs', () => {
  test('GET /applications/host returns the wildcard host', async () => {
    assert.equal(await (await coderd.owner()).apps.appHost(), '*.apps.localhost');
  });

  test('sharing levels: owner, another user and an anonymous visitor × owner/authenticated/public', async () => {
    const visitors = { owner: auth(ownerToken), other: auth(member.token), anonymous: {} };
    const expected: Record<string, Record<keyof typeof visitors, number>> = {
      'sub-owner': { owner: 200, other: 404, anonymous: 303 },
      'sub-auth': { owner: 200, other: 200, anonymous: 303 },
      'sub-public': { owner: 200, other: 200, anonymous: 200 },
    };
    for (const [slug, byVisitor] of Object.entries(expected))
      for (const [who, status] of Object.entries(byVisitor)) {
        const r = await httpRequest(subUrl(slug, '/x'), { headers: visitors[who as keyof typeof visitors] });
        assert.equal(r.status, status, `${who} → ${slug}`);
        if (status === 200) assert.equal((JSON.parse(r.text) as EchoSeen).url, '/x');
        if (status === 303) {
          const to = new URL(r.headers.location!);
          assert.equal(
            to.origin + to.pathname,
            `${new URL(coderd.url).origin}/api/v2/applications/auth-redirect`,
          );
          assert.equal(to.searchParams.get('redirect_uri'), subUrl(slug, '/x'));
        }
      }
  });

  test('a dev URL reaches an ad-hoc python3 http.server; sharing the port opens it to others', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hangar-devurl-'));
    const py = execFile('python3', ['-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', dir]);
    try {
      const pyPort = await new Promise<number>((resolve, reject) => {
        let out = '';
        py.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /port (\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        py.once('exit', (code) => reject(new Error(`python3 exited with ${code}: ${out}`)));
      });
      const url = subUrl(String(pyPort), '/');
      const listing = await curl('-H', `Coder-Session-Token: ${ownerToken}`, url);
      assert.match(listing, /Directory listing for \//);
      assert.equal((await httpRequest(url, { headers: auth(member.token) })).status, 404);

      const owner = await coderd.owner();
      const share = await owner.apps.upsertPortShare(ws.workspaceId, {
        agent_name: 'main',
        port: pyPort,
        share_level: 'authenticated',
      });
      assert.deepEqual(share, {
        workspace_id: ws.workspaceId,
        agent_name: 'main',
        port: pyPort,
        share_level: 'authenticated',
        protocol: 'http',
      });
      assert.equal((await httpRequest(url, { headers: auth(member.token) })).status, 200);
      assert.equal((await httpRequest(url)).status, 303, 'authenticated is not public');
      assert.deepEqual((await owner.apps.portShares(ws.workspaceId)).shares, [share]);
      await assert.rejects(
        owner.apps.upsertPortShare(ws.workspaceId, {
          agent_name: 'main',
          port: pyPort,
          share_level: 'public',
        }),
        (err: Error & { validations?: { field: string }[] }) => err.validations?.[0]?.field === 'share_level',
      );
      await assert.rejects(
        owner.apps.upsertPortShare(ws.workspaceId, {
          agent_name: 'nope',
          port: pyPort,
          share_level: 'owner',
        }),
        (err: Error & { validations?: { field: string; detail: string }[] }) =>
          /no agent named "nope"/.test(err.validations?.[0]?.detail ?? ''),
      );
      const other = new HangarClient(coderd.url);
      other.sessionToken = member.token;
      await assert.rejects(
        other.apps.upsertPortShare(ws.workspaceId, {
          agent_name: 'main',
          port: pyPort,
          share_level: 'public',
        }),
        (err: Error & { code?: string }) => err.code === 'not_found',
      );
      await owner.apps.deletePortShare(ws.workspaceId, { agent_name: 'main', port: pyPort });
      assert.equal((await httpRequest(url, { headers: auth(member.token) })).status, 404);
      assert.equal(
        (await httpRequest(subUrl('8'), { headers: auth(ownerToken) })).status,
        400,
        'port 8 is reserved',
      );
    } finally {
      py.kill();
    }
  });

  test('the cross-domain sign-in with curl: dashboard session → app key → app cookie, credentials never reach the app', async () => {
    const jar = path.join(await mkdtemp(path.join(tmpdir(), 'hangar-jar-')), 'cookies');
    await curl(
      '-c',
      jar,
      '-H',
      'Content-Type: application/json',
      '--data',
      JSON.stringify({ email: 'owner@example.com', password: 'Owner-Passw0rd!x' }),
      `${coderd.url}api/v2/users/login`,
    );
    const out = await curl(
      '-L',
      '-b',
      jar,
      '-c',
      jar,
      '-w',
      '\n%{url_effective}',
      subUrl('sub-owner', '/after?x=1'),
    );
    const [json, finalUrl] = out.split('\n');
    assert.equal(finalUrl, subUrl('sub-owner', '/after?x=1'), 'the key parameter was stripped by a redirect');
    const seen = JSON.parse(json!) as EchoSeen;
    assert.equal(seen.url, '/after?x=1');
    assert.equal(seen.headers.cookie, undefined, 'no Hangar cookie reached the app');
    // The app domain now has an app session and a signed token; the signed token alone suffices.
    const cookies = await import('node:fs/promises').then((fs) => fs.readFile(jar, 'utf8'));
    assert.match(cookies, /apps\.localhost\tTRUE\t\/\tFALSE\t0\tcoder_subdomain_app_session_token\t/);
    const signed = /\tcoder_signed_app_token\t(\S+)/.exec(cookies)?.[1];
    assert.ok(signed);
    const again = await httpRequest(subUrl('sub-owner', '/again'), {
      headers: { Cookie: `coder_signed_app_token=${signed}` },
    });
    assert.equal(again.status, 200);
    // …but only for the request it was issued for.
    const elsewhere = await httpRequest(subUrl('sub-auth', '/'), {
      headers: { Cookie: `coder_signed_app_token=${signed}` },
    });
    assert.equal(elsewhere.status, 303);
  });

  test('a WebSocket client reaches a subdomain app; CORS only between the same user’s apps', async () => {
    const sock = new WebSocket(subUrl('sub-auth', '/ws').replace('http:', 'ws:'), {
      headers: auth(member.token),
      lookup: loopbackLookup,
    });
    const first = await new Promise<string>((resolve, reject) => {
      sock.once('message', (d) => resolve(d.toString()));
      sock.once('error', reject);
    });
    assert.equal((JSON.parse(first) as { hello: string }).hello, '/ws');
    sock.close();

    const sibling = `http://${subHost('sub-public')}`;
    const ok = await httpRequest(subUrl('sub-owner', '/cors'), {
      headers: { ...auth(ownerToken), Origin: sibling },
    });
    assert.equal(ok.headers['access-control-allow-origin'], sibling);
    assert.equal(ok.headers['access-control-allow-credentials'], 'true');
    const foreign = `http://${subHost('sub-public', 'member', 'theirs')}`;
    const no = await httpRequest(subUrl('sub-owner', '/cors'), {
      headers: { ...auth(ownerToken), Origin: foreign },
    });
    assert.equal(no.headers['access-control-allow-origin'], undefined);
    const preflight = await httpRequest(subUrl('sub-owner', '/api'), {
      method: 'OPTIONS',
      headers: { Origin: sibling, 'Access-Control-Request-Method': 'PUT' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-methods'], 'PUT');
  });

  test("a stopped workspace's apps get a clear page for its owner and 404 for others", async () => {
    const ownerId = (await (await coderd.owner()).users.get('me')).id;
    const stopped = await createAgentWorkspace(coderd, {
      ownerId,
      name: 'stopped',
      apps: [{ slug: 'web', url: echo.url, subdomain: true, sharing_level: 'authenticated' }],
    });
    await insertNextBuild(coderd, stopped.workspaceId, 'stop');
    const mine = await httpRequest(subUrl('web', '/', 'owner', 'stopped'), { headers: auth(ownerToken) });
    assert.equal(mine.status, 400);
    assert.match(mine.text, /Workspace Offline/);
    assert.match(mine.text, /Start the workspace/);
    const theirs = await httpRequest(subUrl('web', '/', 'owner', 'stopped'), { headers: auth(member.token) });
    assert.equal(theirs.status, 404);
  });
});

describe('security', () => {
  test('forwarding headers from a client are ignored: not used for routing nor passed to the app', async () => {
    const r = await httpRequest(pathUrl('echo', '/'), {
      headers: {
        ...auth(ownerToken),
        'X-Forwarded-For': '6.6.6.6',
        'X-Forwarded-Host': 'evil.example',
        'X-Forwarded-Proto': 'https',
        'X-Real-IP': '6.6.6.6',
        Forwarded: 'for=6.6.6.6',
      },
    });
    const seen = JSON.parse(r.text) as EchoSeen;
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(seen.headers['x-forwarded-host'], `127.0.0.1:${port}`);
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
    assert.equal(seen.headers['x-real-ip'], undefined);
    assert.equal(seen.headers.forwarded, undefined);
    // A dashboard request claiming an app host is still a dashboard request.
    const routed = await httpRequest(`${coderd.url}api/v2/buildinfo`, {
      headers: { ...auth(ownerToken), 'X-Forwarded-Host': subHost('sub-public') },
    });
    assert.equal(routed.status, 200);
    assert.ok((JSON.parse(routed.text) as { version?: string }).version, routed.text);
  });

  test('forwarding headers are believed from a configured trusted proxy', async () => {
    await using trusting = await startTestCoderd({
      wildcardAccessUrl: '*.apps.localhost',
      proxyTrustedOrigins: '127.0.0.1/32',
      proxyTrustedHeaders: 'X-Forwarded-Host,X-Forwarded-For',
    });
    const r = await httpRequest(trusting.url, {
      headers: { 'X-Forwarded-Host': 'web--main--ws--someone.apps.localhost' },
    });
    // Routed as an app (a sign-in redirect), not answered by the API.
    assert.equal(r.status, 303);
    assert.match(r.headers.location ?? '', /applications\/auth-redirect/);
  });

  test('a subdomain naming the workspace by id still checks that the user in the host owns it', async () => {
    const byIdWrongUser = subUrl('sub-public', '/', 'member', ws.workspaceId);
    assert.equal((await httpRequest(byIdWrongUser, { headers: auth(member.token) })).status, 404);
    assert.equal((await httpRequest(byIdWrongUser)).status, 303);
    const byIdRightUser = subUrl('sub-public', '/', 'owner', ws.workspaceId);
    assert.equal((await httpRequest(byIdRightUser, { headers: auth(member.token) })).status, 200);
  });

  test('auth-redirect sends only to app hosts, and sign-in back only to a relative path', async () => {
    const base = `${coderd.url}api/v2/applications/auth-redirect?redirect_uri=`;
    const app = subUrl('sub-owner', '/p?q=1');
    const anon = await httpRequest(base + encodeURIComponent(app));
    assert.equal(anon.status, 303);
    const login = anon.headers.location!;
    assert.ok(login.startsWith('/login?redirect=%2Fapi%2Fv2%2Fapplications%2Fauth-redirect'), login);
    for (const bad of [
      'https://evil.example/',
      coderd.url,
      `http://user:pw@${subHost('sub-owner')}/`,
      'javascript:alert(1)',
    ])
      assert.equal(
        (await httpRequest(base + encodeURIComponent(bad), { headers: auth(ownerToken) })).status,
        400,
        bad,
      );
    const ok = await httpRequest(base + encodeURIComponent(app), { headers: auth(ownerToken) });
    assert.equal(ok.status, 303);
    const back = new URL(ok.headers.location!);
    assert.equal(back.host, subHost('sub-owner'));
    assert.equal(back.pathname + back.searchParams.get('q'), '/p1');
    const key = back.searchParams.get('coder_application_connect_api_key_35e783')!;
    assert.ok(key && !key.includes(ownerToken.split('-')[0]!), 'the app key travels encrypted');
  });
});
