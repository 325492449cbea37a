// `hangar config-ssh`, `hangar port-forward` and workspace autostart, driven as a user would: the
// real server with echo daemons, a real `hangar agent` process for the workspace, the OpenSSH
// client reading the written config, curl and plain TCP clients through port-forward.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HangarClient } from '../../src/sdk/hangar-client.js';
import type { WorkspaceAgent } from '../../src/sdk/workspaces.js';
import { ownerClient, echoTemplateDir, startCliSession, type CliSession } from '../support/cli-session.js';
import { hangarBin } from '../support/server.js';
import { pollUntil } from '../support/wait.js';
import {
  consecutiveFreePorts,
  consecutiveServers,
  echoServer,
  exchange,
  firehoseServer,
  listen,
  portOf,
  refused,
  sha256,
} from '../support/tcp.js';

const tokens = {
  dev: '00000000-0000-4000-8000-0000000000d1',
  one: '00000000-0000-4000-8000-0000000000e1',
  two: '00000000-0000-4000-8000-0000000000e2',
};

/** An echo template whose start provisions the given agents (and whose import shows them too). */
function template(agents: { name: string; token: string }[]) {
  const resources = [
    {
      name: 'box',
      type: 'terraform_data',
      agents: agents.map((a) => ({
        name: a.name,
        operating_system: 'linux',
        architecture: 'amd64',
        directory: '',
        auth_token: a.token,
      })),
    },
  ];
  return {
    import: { stages: [{ stage: 'Planning', resources }] },
    start: { stages: [{ stage: 'Applying', logs: ['created the agent'], resources }] },
    stop: { stages: [{ stage: 'Applying', logs: ['stopped'] }] },
    destroy: { stages: [{ stage: 'Destroying', logs: ['destroyed'] }] },
  };
}

/** The environment of a child run by the user: no HANGAR_* from the developer's shell. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('HANGAR_')) delete env[k];
  return { ...env, NO_COLOR: '1', ...extra };
}

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function start(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Running {
  const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdin!.end(input ?? '');
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

async function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000) {
  const r = start(cmd, args, env);
  const timer = setTimeout(() => r.child.kill('SIGKILL'), timeoutMs);
  const code = await r.exited;
  clearTimeout(timer);
  return { code, stdout: r.stdout(), stderr: r.stderr() };
}

async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  await pollUntil(what, fn, { ms, intervalMs: 100 });
}

describe('cli ssh access: config-ssh, port-forward, autostart', { timeout: 600_000 }, () => {
  let s: CliSession;
  let client: HangarClient;
  let agentProcess: Running;
  let sshConfig: string;
  const closers: (() => void)[] = [];

  const cliEnv = () => userEnv({ HANGAR_CONFIG_DIR: s.configDir });
  const hangar = (...args: string[]) => run(process.execPath, [hangarBin, ...args], cliEnv());
  const ssh = (...args: string[]) => run('ssh', ['-F', sshConfig, '-o', 'BatchMode=yes', ...args], userEnv());

  async function agentOf(workspace: string): Promise<WorkspaceAgent | undefined> {
    const ws = await client.workspaces.getByOwnerAndName('me', workspace);
    return ws.latest_build.resources.flatMap((r) => r.agents)[0];
  }

  before(async () => {
    s = await startCliSession();
    client = await ownerClient(s);
    await s.ok(
      'templates',
      'push',
      'box',
      '-d',
      await echoTemplateDir(template([{ name: 'main', token: tokens.dev }])),
      '--provisioner',
      'echo',
      '-y',
    );
    const duo = template([
      { name: 'one', token: tokens.one },
      { name: 'two', token: tokens.two },
    ]);
    await s.ok('templates', 'push', 'duo', '-d', await echoTemplateDir(duo), '--provisioner', 'echo', '-y');
    await s.ok('create', 'dev', '-t', 'box', '-y');
    await s.ok('create', 'pair', '-t', 'duo', '-y');
    // The workspace's agent, as its template would start it (here, a process of this machine).
    const home = await mkdtemp(path.join(tmpdir(), 'hangar-agent-home-'));
    // The URL as a flag (the root command has a --url of its own, which must not take it), the
    // token in the environment as the init script passes it.
    agentProcess = start(
      process.execPath,
      [hangarBin, 'agent', '--url', s.server.url, '--log-level', 'warn'],
      userEnv({ HOME: home, CODER_AGENT_TOKEN: tokens.dev }),
    );
    await until('the agent to connect', async () => (await agentOf('dev'))?.status === 'connected').catch(
      (err: Error) => {
        throw new Error(`${err.message}; the agent said:\n${agentProcess.stderr()}${agentProcess.stdout()}`);
      },
    );
    sshConfig = path.join(await mkdtemp(path.join(tmpdir(), 'hangar-ssh-config-')), 'config');
  });
  after(async () => {
    for (const close of closers) close();
    agentProcess?.child.kill('SIGTERM');
    await agentProcess?.exited;
    await s?.stop();
  });

  it('config-ssh shows, asks, then writes a Host per workspace that the real ssh uses', async () => {
    const mine = '# my own hosts\nHost other\n  User nobody\n';
    await writeFile(sshConfig, mine);
    await chmod(sshConfig, 0o640);

    const dry = await hangar('config-ssh', '--dry-run', '--ssh-config-file', sshConfig);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^\+Host hangar\.dev$/m);
    assert.match(dry.stdout, /Dry run: nothing was written/);
    assert.equal(await readFile(sshConfig, 'utf8'), mine);

    const unasked = await hangar('config-ssh', '--ssh-config-file', sshConfig);
    assert.equal(unasked.code, 2);
    assert.match(unasked.stderr, /Pass -y to confirm/);
    assert.equal(await readFile(sshConfig, 'utf8'), mine);

    const wrote = await hangar('config-ssh', '-y', '--ssh-config-file', sshConfig);
    assert.equal(wrote.code, 0, wrote.stderr);
    assert.match(wrote.stdout, /Updated .*: 3 hosts\./);
    const text = await readFile(sshConfig, 'utf8');
    assert.ok(text.startsWith(`${mine}\n# ------------START-HANGAR-----------\n`), text);
    assert.ok(text.endsWith('# ------------END-HANGAR------------\n'));
    assert.deepEqual(
      [...text.matchAll(/^Host (\S+)$/gm)].map((m) => m[1]),
      ['other', 'hangar.dev', 'hangar.pair.one', 'hangar.pair.two'],
    );
    assert.match(text, /ProxyCommand '.+' '.+\/bin\/hangar' --global-config '.+' ssh --stdio 'pair\.one'/);
    assert.equal((await stat(sshConfig)).mode & 0o777, 0o640, 'the file keeps its mode');

    const r = await ssh('hangar.dev', 'echo ok; echo "$CODER_WORKSPACE_NAME"');
    assert.equal(r.stdout, 'ok\ndev\n', r.stderr);
    assert.equal(r.code, 0);

    const again = await hangar('config-ssh', '-y', '--ssh-config-file', sshConfig);
    assert.match(again.stdout, /No changes to make/);
  });

  it('ssh -R through the written config carries data both ways with half-close', async () => {
    const echo = echoServer('');
    const echoPort = await listen(echo);
    closers.push(() => echo.close());
    for (let attempt = 0; ; attempt++) {
      const port = await consecutiveFreePorts(1);
      const fwd = start(
        'ssh',
        [
          '-F',
          sshConfig,
          '-v',
          '-N',
          '-o',
          'ExitOnForwardFailure=yes',
          '-R',
          `${port}:127.0.0.1:${echoPort}`,
          'hangar.dev',
        ],
        userEnv(),
      );
      const up = await Promise.race([
        until('the remote forward', () => /remote forward success/.test(fwd.stderr()), 30_000).then(
          () => true,
        ),
        fwd.exited.then(() => false),
      ]);
      try {
        if (!up && attempt < 3) continue;
        assert.ok(up, fwd.stderr());
        const payload = randomBytes(4 * 1024 * 1024);
        const back = await exchange(port, payload);
        assert.equal(sha256(back), sha256(payload));
        assert.equal(String(await exchange(port, Buffer.from('short'))), 'short');
        return;
      } finally {
        fwd.child.kill();
      }
    }
  });

  it('port-forward: curl through one port, a range to the right servers, 50 MB intact, backpressure, Ctrl-C', async () => {
    const web = http.createServer((req, res) => res.end(`hello from the workspace: ${req.url}`));
    const webPort = await listen(web);
    const range = await consecutiveServers(3, (i) => echoServer(`srv${i}:`));
    const remoteBase = portOf(range[0]!);
    const firehose = firehoseServer();
    const firehosePort = await listen(firehose.server);
    closers.push(() => {
      web.close();
      firehose.server.close();
      for (const r of range) r.close();
    });

    const webLocal = await consecutiveFreePorts(1);
    const firehoseLocal = await consecutiveFreePorts(1);
    const localBase = await consecutiveFreePorts(3);
    const pf = start(
      process.execPath,
      [
        hangarBin,
        'port-forward',
        'dev',
        '--tcp',
        `${webLocal}:${webPort}`,
        '--tcp',
        `${localBase}-${localBase + 2}:${remoteBase}-${remoteBase + 2},${firehoseLocal}:${firehosePort}`,
      ],
      cliEnv(),
    );
    try {
      await until('port-forward to be ready', () => /Ready; press Ctrl-C/.test(pf.stderr()), 30_000);
      assert.match(
        pf.stderr(),
        new RegExp(`Forwarding 127\\.0\\.0\\.1:${localBase + 1} to port ${remoteBase + 1}`),
      );

      const curl = await run(
        'curl',
        ['-sS', '--max-time', '20', `http://127.0.0.1:${webLocal}/path?q=1`],
        userEnv(),
      );
      assert.equal(curl.stdout, 'hello from the workspace: /path?q=1', curl.stderr);

      for (let i = 0; i < 3; i++)
        assert.equal(String(await exchange(localBase + i, Buffer.from('ping'))), `srv${i}:ping`);

      const payload = randomBytes(50 * 1024 * 1024);
      const started = Date.now();
      const back = await exchange(localBase, payload);
      const seconds = (Date.now() - started) / 1000;
      assert.equal(back.length, payload.length + 'srv0:'.length);
      assert.equal(sha256(back.subarray(5)), sha256(payload));
      process.stderr.write(
        `# port-forward echo of 50 MiB: ${((2 * 50) / seconds).toFixed(0)} MiB/s both ways\n`,
      );

      // A reader that reads nothing: the sender is held back instead of filling memory.
      const stalled = net.connect(firehoseLocal, '127.0.0.1');
      stalled.pause();
      await firehose.assertHeldBack();
      stalled.destroy();

      pf.child.kill('SIGINT');
      assert.equal(await pf.exited, 0, pf.stderr());
      assert.match(pf.stderr(), /Stopping\./);
      assert.equal(await refused(webLocal), true, 'the listener is closed after Ctrl-C');
    } finally {
      pf.child.kill('SIGKILL');
    }
  });

  it('port-forward refuses a port in use and a bad --tcp value, naming the value', async () => {
    const taken = net.createServer();
    const takenPort = await listen(taken);
    try {
      const busy = await hangar('port-forward', 'dev', '--tcp', `${takenPort}:80`);
      assert.equal(busy.code, 1);
      assert.match(busy.stderr, new RegExp(`for --tcp "${takenPort}:80": the address is already in use`));
    } finally {
      taken.close();
    }
    const bad = await hangar('port-forward', 'dev', '--tcp', '8000-8005:9000');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Invalid --tcp "8000-8005:9000": 6 local ports cannot map to 1 remote ports/);
    const none = await hangar('port-forward', 'dev');
    assert.equal(none.code, 2);
    assert.match(none.stderr, /pass at least one --tcp/);
  });

  it('a stopped workspace is started by ssh through the config; --disable-autostart refuses instead', async () => {
    await s.ok('stop', 'dev', '-y');
    const refusedSsh = await hangar('ssh', '--disable-autostart', 'dev', 'true');
    assert.notEqual(refusedSsh.code, 0);
    assert.match(refusedSsh.stderr, /Workspace "dev" is stopped\./);
    assert.equal((await client.workspaces.getByOwnerAndName('me', 'dev')).latest_build.status, 'stopped');

    // The stopped workspace keeps its Host entry (its template says which agent it will have).
    assert.match(
      (await hangar('config-ssh', '-y', '--ssh-config-file', sshConfig)).stdout,
      /No changes to make/,
    );
    const r = await ssh('hangar.dev', 'echo started');
    assert.equal(r.stdout, 'started\n', r.stderr);
    assert.match(r.stderr, /Workspace "dev" is stopped; starting it/);
    const ws = await client.workspaces.getByOwnerAndName('me', 'dev');
    assert.equal(ws.latest_build.transition, 'start');
    assert.equal(ws.latest_build.status, 'running');
  });
});
