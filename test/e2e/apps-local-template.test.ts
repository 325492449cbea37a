// Workspace apps on the `local` starter template with real Terraform and the real agent process
// (the bundle a workspace downloads): an HTTP+WebSocket app declared as a coder_app with a
// healthcheck, reached with curl and a WebSocket client through path and subdomain URLs; it turns
// healthy, then unhealthy when killed; a dev URL for an ad-hoc `python3 -m http.server`; the web
// terminal with a reattach. The app server is started by the test as its own process until the
// agent runs startup scripts (the template's startup_script is where a real template starts it).
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { WebSocket } from 'ws';
import { HangarClient } from '../../src/sdk/hangar-client.js';
import type { Workspace } from '../../src/sdk/workspaces.js';
import { cliOwner, startCliSession, type CliSession } from '../support/cli-session.js';
import { loopbackLookup } from '../support/http-request.js';
import { waitForValue } from '../support/wait.js';

const run = promisify(execFile);
let s: CliSession;
let client: HangarClient;
let port: number;
let app: ChildProcess;
let appPort: number;

const eventually = waitForValue;

/** Starts a process and resolves with the port it prints (the echo app) or logs (http.server). */
function startServer(
  cmd: string,
  args: string[],
  re: RegExp,
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = re.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${cmd} exited with ${code}: ${out}`)));
  });
}

const curl = async (...args: string[]) => (await run('curl', ['-sS', '--max-time', '20', ...args])).stdout;
const subUrl = (slug: string, rest = '/') => `http://${slug}--main--web--owner.apps.localhost:${port}${rest}`;

async function appHealth(): Promise<string | undefined> {
  const w: Workspace = await client.workspaces.getByOwnerAndName('me', 'web');
  return w.latest_build.resources
    .flatMap((r) => r.agents)
    .flatMap((a) => a.apps)
    .find((a) => a.slug === 'echo')?.health;
}

describe('workspace apps on the local template', { timeout: 600_000 }, () => {
  before(async () => {
    ({ child: app, port: appPort } = await startServer(
      process.execPath,
      [path.join(import.meta.dirname, '../support/echo-app-main.js')],
      /^(\d+)$/m,
    ));
    s = await startCliSession({ extraArgs: ['--wildcard-access-url', '*.apps.localhost'] });
    port = Number(new URL(s.server.url).port);
    client = new HangarClient(s.server.url);
    client.sessionToken = (
      await client.users.login({ email: cliOwner.email, password: cliOwner.password })
    ).session_token;
    const workspacesDir = await mkdtemp(path.join(tmpdir(), 'hangar-apps-ws-'));
    await chmod(workspacesDir, 0o711);
    const dir = path.join(await mkdtemp(path.join(tmpdir(), 'hangar-apps-tpl-')), 'local');
    await s.ok('templates', 'init', '--id', 'local', dir);
    await writeFile(
      path.join(dir, 'apps.tf'),
      `variable "app_port" {
  type    = number
  default = 0
}
resource "coder_app" "echo" {
  agent_id  = coder_agent.main.id
  slug      = "echo"
  url       = "http://localhost:\${var.app_port}"
  subdomain = true
  share     = "authenticated"
  healthcheck {
    url       = "http://localhost:\${var.app_port}/health"
    interval  = 1
    threshold = 2
  }
}
resource "coder_app" "echo_path" {
  agent_id = coder_agent.main.id
  slug     = "echo-path"
  url      = "http://127.0.0.1:\${var.app_port}"
}
`,
    );
    await s.ok(
      'templates',
      'push',
      'local',
      '-d',
      dir,
      '--var',
      `workspaces_dir=${workspacesDir}`,
      '--var',
      `app_port=${appPort}`,
      '-y',
    );
    assert.match(await s.ok('create', 'web', '-t', 'local', '-y'), /Workspace "web" is running/);
    // `--var` reached Terraform: the app URLs carry the pushed port (this once silently failed).
    const urls = (await client.workspaces.getByOwnerAndName('me', 'web')).latest_build.resources
      .flatMap((r) => r.agents)
      .flatMap((a) => a.apps)
      .map((a) => a.url);
    assert.deepEqual(urls.sort(), [`http://127.0.0.1:${appPort}`, `http://localhost:${appPort}`]);

    await eventually('the agent to connect', async () => {
      const a = (await client.workspaces.getByOwnerAndName('me', 'web')).latest_build.resources.flatMap(
        (r) => r.agents,
      )[0];
      return a?.status === 'connected' ? a : undefined;
    });
  });
  after(async () => {
    app?.kill();
    await s?.cli('delete', 'web', '-y');
    await s?.stop();
  });

  it('curl reaches the app through its path and subdomain URLs; the app becomes healthy', async () => {
    const token = client.sessionToken!;
    const pathOut = await curl(
      '-H',
      `Coder-Session-Token: ${token}`,
      new URL('/@owner/web/apps/echo-path/p?x=1', s.server.url).toString(),
    );
    const viaPath = JSON.parse(pathOut.startsWith('{') ? pathOut : '{}') as {
      url: string;
      headers: Record<string, string>;
    };
    assert.equal(viaPath.url, '/p?x=1', pathOut);
    assert.equal(viaPath.headers['coder-session-token'], undefined);
    const hostOut = await curl('-H', `Coder-Session-Token: ${token}`, subUrl('echo', '/q'));
    const viaHost = JSON.parse(hostOut.startsWith('{') ? hostOut : '{}') as { url: string };
    assert.equal(viaHost.url, '/q', hostOut);
    await eventually('healthy', async () => ((await appHealth()) === 'healthy' ? true : undefined));
  });

  it('a WebSocket client reaches the app; sharing "authenticated" admits another user, not anonymous visitors', async () => {
    const sock = new WebSocket(subUrl('echo', '/ws').replace('http:', 'ws:'), {
      headers: { 'Coder-Session-Token': client.sessionToken! },
      lookup: loopbackLookup,
    });
    const hello = await new Promise<string>((resolve, reject) => {
      sock.once('message', (d) => resolve(d.toString()));
      sock.once('error', reject);
    });
    assert.match(hello, /"hello":"\/ws"/);
    sock.send('round trip');
    assert.equal(
      await new Promise<string>((resolve) => sock.once('message', (d) => resolve(d.toString()))),
      'round trip',
    );
    sock.close();
    await s.ok(
      'users',
      'create',
      '--username',
      'member',
      '--email',
      'member@example.com',
      '--password',
      'Member-Passw0rd!x',
    );
    const member = new HangarClient(s.server.url);
    member.sessionToken = (
      await member.users.login({ email: 'member@example.com', password: 'Member-Passw0rd!x' })
    ).session_token;
    const status = (...h: string[]) => curl('-o', '/dev/null', '-w', '%{http_code}', ...h, subUrl('echo'));
    assert.equal(await status('-H', `Coder-Session-Token: ${member.sessionToken}`), '200');
    assert.equal(await status(), '303');
    assert.equal(
      await curl(
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        '-H',
        `Coder-Session-Token: ${member.sessionToken}`,
        new URL('/@owner/web/apps/echo-path/', s.server.url).toString(),
      ),
      '404',
    );
  });

  it('a dev URL serves an ad-hoc python3 -m http.server port', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hangar-devurl-'));
    await writeFile(path.join(dir, 'hello.txt'), 'hello from the workspace\n');
    const py = await startServer(
      'python3',
      ['-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', dir],
      /port (\d+)/,
    );
    try {
      assert.equal(
        await curl(
          '-H',
          `Coder-Session-Token: ${client.sessionToken}`,
          subUrl(String(py.port), '/hello.txt'),
        ),
        'hello from the workspace\n',
      );
    } finally {
      py.child.kill();
    }
  });

  it('the web terminal: type, resize, disconnect, reattach and see the earlier output', async () => {
    const agent = (await client.workspaces.getByOwnerAndName('me', 'web')).latest_build.resources.flatMap(
      (r) => r.agents,
    )[0]!;
    const id = randomUUID();
    const open = async () => {
      const ws = new WebSocket(client.apps.terminalUrl(agent.id, { reconnect: id, width: 80, height: 24 }), {
        headers: { 'Coder-Session-Token': client.sessionToken! },
      });
      let out = '';
      ws.on('message', (d: Buffer) => (out += d.toString()));
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      const waitFor = async (re: RegExp) => {
        for (let i = 0; i < 400 && !re.test(out); i++) await sleep(25);
        assert.match(out, re);
      };
      return { ws, waitFor, type: (data: string) => ws.send(JSON.stringify({ data })) };
    };
    const t1 = await open();
    t1.type('echo in-$((40+2)) "$USER"\r');
    await t1.waitFor(/in-42/);
    t1.ws.send(JSON.stringify({ height: 33, width: 111 }));
    t1.type('stty size\r');
    await t1.waitFor(/33 111/);
    t1.ws.close();
    const t2 = await open();
    await t2.waitFor(/in-42[\s\S]*33 111/);
    t2.type('echo back-$((1+1))\r');
    await t2.waitFor(/back-2/);
    t2.ws.close();
  });

  it('the app turns unhealthy when its server is killed', async () => {
    assert.equal(await appHealth(), 'healthy');
    app.kill();
    await eventually(
      'unhealthy',
      async () => ((await appHealth()) === 'unhealthy' ? true : undefined),
      30_000,
    );
  });
});
