// `hangar port-forward` over dial-back connections (ADR 0053), driven as a user would: a real
// server, real `hangar agent` processes and `hangar port-forward`, curl and plain TCP clients.
// Each forwarded connection gets a connection of its own from the agent to coderd (seen with
// `ss`), keeps half-close and backpressure, reports a refused port; an agent that cannot dial
// back (a proxy in front of coderd that refuses the raw Upgrade) still forwards over the mux.
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { ConfigFiles } from '../../src/cli/config-files.js';
import type { HangarClient } from '../../src/sdk/hangar-client.js';
import type { WorkspaceAgent } from '../../src/sdk/workspaces.js';
import { createAgentWorkspace } from '../support/agent-workspace.js';
import { ownerClient } from '../support/provisioner.js';
import { hangarBin, startTestServer, type TestServer } from '../support/server.js';
import { exchange, firehoseServer, freePort, listen, sha256 } from '../support/tcp.js';
import { pollUntil } from '../support/wait.js';

const execFileAsync = promisify(execFile);

interface Running {
  child: ChildProcess;
  stderr: () => string;
}

function start(args: string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, [hangarBin, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return { child, stderr: () => stderr };
}

/** A user's environment: no HANGAR_* from the developer's shell. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('HANGAR_')) delete env[k];
  return { ...env, ...extra };
}

/** Local addresses of the TCP connections process `pid` has established to 127.0.0.1:`port` (`ss`). */
function connectionsTo(pid: number, port: number): Set<string> {
  const out = execFileSync('ss', ['-tnpH', 'state', 'established', 'dst', `127.0.0.1:${port}`], {
    encoding: 'utf8',
  });
  return new Set(
    out
      .split('\n')
      .filter((l) => l.includes(`pid=${pid},`))
      .map((l) => l.trim().split(/\s+/)[2]!),
  );
}

/** Reads everything until EOF, then answers `<sha256>:<length>` and ends: needs half-close. */
function afterEofServer(): net.Server {
  return net.createServer({ allowHalfOpen: true }, (c) => {
    const hash = createHash('sha256');
    let length = 0;
    c.on('data', (d: Buffer) => {
      hash.update(d);
      length += d.length;
    });
    c.on('end', () => c.end(`${hash.digest('hex')}:${length}`));
    c.on('error', () => {});
  });
}

/**
 * A proxy in front of coderd that passes HTTP and WebSocket upgrades but answers a raw
 * `Upgrade: hangar-stream` with 502, as some proxies do with protocols they do not know.
 */
function upgradeRefusingProxy(upstreamPort: number): net.Server {
  return net.createServer({ allowHalfOpen: true }, (c) => {
    let head = Buffer.alloc(0);
    c.on('error', () => {});
    const onData = (d: Buffer) => {
      head = Buffer.concat([head, d]);
      if (!head.includes('\r\n\r\n')) return;
      c.off('data', onData);
      if (/\r\nupgrade:\s*hangar-stream/i.test(head.toString('latin1'))) {
        c.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      const up = net.connect({ port: upstreamPort, host: '127.0.0.1', allowHalfOpen: true });
      up.on('error', () => c.destroy());
      c.on('close', () => up.destroy());
      up.write(head);
      c.pipe(up);
      up.pipe(c);
    };
    c.on('data', onData);
  });
}

describe('port-forward over dial-back connections', { timeout: 300_000 }, () => {
  let server: TestServer;
  let client: HangarClient;
  let cliDir: string;
  const closers: (() => unknown)[] = [];

  const agentConnected = (id: string) =>
    pollUntil(
      `agent ${id} to connect`,
      async () =>
        (await client.request<WorkspaceAgent>('GET', `/workspaceagents/${id}`)).status === 'connected',
    );

  /** A workspace written as rows, with a real agent process dialing `url`. */
  async function workspaceWithAgent(name: string, url: string): Promise<Running> {
    const pool = new pg.Pool({ connectionString: server.postgresUrl, max: 1 });
    const ws = await createAgentWorkspace(
      { db: { pool } },
      { ownerId: (await client.users.get('me')).id, name },
    );
    await pool.end();
    const home = await mkdtemp(path.join(tmpdir(), 'hangar-agent-home-'));
    const agent = start(
      ['agent', '--url', url, '--log-level', 'warn'],
      userEnv({ HOME: home, CODER_AGENT_TOKEN: ws.token }),
    );
    closers.push(() => agent.child.kill('SIGKILL'));
    await agentConnected(ws.agentId);
    return agent;
  }

  async function portForward(workspace: string, specs: string[]): Promise<Running> {
    const pf = start(
      ['--global-config', cliDir, 'port-forward', workspace, ...specs.flatMap((s) => ['--tcp', s])],
      userEnv(),
    );
    closers.push(() => pf.child.kill('SIGKILL'));
    await pollUntil('port-forward to be ready', () => /Ready; press Ctrl-C/.test(pf.stderr()), {
      ms: 30_000,
    });
    return pf;
  }

  before(async () => {
    server = await startTestServer();
    client = await ownerClient(server.url);
    cliDir = await mkdtemp(path.join(tmpdir(), 'hangar-cli-'));
    const files = new ConfigFiles(cliDir);
    await files.write('url', server.url);
    await files.write('session', client.sessionToken ?? '');
  });
  after(async () => {
    for (const close of closers.reverse()) await close();
    await server?.stop();
  });

  it('each forwarded connection rides its own agent connection: curl, half-close, a stalled reader, a refused port', async () => {
    const agent = await workspaceWithAgent('dev', server.url);
    const coderdPort = Number(new URL(server.url).port);
    const web = http.createServer((req, res) => res.end(`hello from the workspace: ${req.url}`));
    const eof = afterEofServer();
    const firehose = firehoseServer();
    const ports = { web: await listen(web), eof: await listen(eof), firehose: await listen(firehose.server) };
    const closedPort = await freePort();
    closers.push(() => [web, eof, firehose.server].forEach((s) => s.close()));
    const local = {
      web: await freePort(),
      eof: await freePort(),
      firehose: await freePort(),
      closed: await freePort(),
    };
    const pf = await portForward('dev', [
      `${local.web}:${ports.web}`,
      `${local.eof}:${ports.eof}`,
      `${local.firehose}:${ports.firehose}`,
      `${local.closed}:${closedPort}`,
    ]);

    // Not execFileSync: the web server runs in this process and must keep answering.
    const { stdout: curl } = await execFileAsync('curl', [
      '-sS',
      '--max-time',
      '20',
      `http://127.0.0.1:${local.web}/path?q=1`,
    ]);
    assert.equal(curl, 'hello from the workspace: /path?q=1');

    // The client half-closes; the answer only comes after the target has seen EOF.
    const payload = randomBytes(16 * 1024 * 1024);
    const answer = await exchange(local.eof, payload);
    assert.equal(answer.toString(), `${sha256(payload)}:${payload.length}`);

    // A reader that reads nothing: its stream is one more agent connection to coderd (besides the
    // control connection and the API's keep-alive ones), and the sender is held back.
    const before = connectionsTo(agent.child.pid!, coderdPort);
    const stalled = net.connect(local.firehose, '127.0.0.1');
    stalled.pause();
    const dialedBack = await pollUntil(
      'the dial-back connection',
      () => {
        const added = [...connectionsTo(agent.child.pid!, coderdPort)].filter((c) => !before.has(c));
        return added.length === 1 && added[0];
      },
      { ms: 20_000 },
    );
    await firehose.assertHeldBack();
    stalled.destroy();
    await pollUntil(
      'the dial-back connection to close',
      () => !connectionsTo(agent.child.pid!, coderdPort).has(dialedBack),
      { ms: 20_000 },
    );

    // A port nothing listens on: the local connection closes, and port-forward says why.
    const refusedConn = net.connect(local.closed, '127.0.0.1');
    refusedConn.on('error', () => {});
    await new Promise((resolve) => refusedConn.once('close', resolve));
    await pollUntil(
      'the refusal on stderr',
      () => new RegExp(`connection refused on 127\\.0\\.0\\.1:${closedPort}`).test(pf.stderr()),
      { ms: 10_000 },
    );
  });

  it('an agent that cannot dial back (a proxy refuses the raw Upgrade) forwards over the multiplexer', async () => {
    const proxy = upgradeRefusingProxy(Number(new URL(server.url).port));
    const proxyPort = await listen(proxy);
    closers.push(() => proxy.close());
    const agent = await workspaceWithAgent('proxied', `http://127.0.0.1:${proxyPort}`);
    const eof = afterEofServer();
    const eofPort = await listen(eof);
    closers.push(() => eof.close());
    const local = await freePort();
    await portForward('proxied', [`${local}:${eofPort}`]);

    for (const size of [1024 * 1024, 4 * 1024 * 1024]) {
      const payload = randomBytes(size);
      const answer = await exchange(local, payload);
      assert.equal(answer.toString(), `${sha256(payload)}:${payload.length}`);
    }
    assert.match(server.output(), /the agent cannot dial back to this server/);
    // A stream open now rides the control connection: the agent holds no extra one for it.
    const before = connectionsTo(agent.child.pid!, proxyPort);
    const held = net.connect({ port: local, host: '127.0.0.1', allowHalfOpen: true });
    held.write(Buffer.alloc(1024));
    await sleep(1000);
    const added = [...connectionsTo(agent.child.pid!, proxyPort)].filter((c) => !before.has(c));
    assert.deepEqual(added, []);
    held.destroy();
  });
});
