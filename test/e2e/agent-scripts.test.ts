// Startup scripts as a user meets them: an echo-built workspace whose real `hangar agent` process
// runs a blocking script and a failing one; `hangar ssh --wait` waits for the blocking script and
// shows the startup logs, `--wait no` connects at once; a stop reports the shutdown.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { HangarClient } from '../../src/sdk/hangar-client.js';
import type { ProvisionedScript } from '../../src/sdk/provisioner.js';
import type { WorkspaceAgent } from '../../src/sdk/workspaces.js';
import { cliOwner, echoTemplateDir, startCliSession, type CliSession } from '../support/cli-session.js';
import { hangarBin } from '../support/server.js';
import { pollUntil } from '../support/wait.js';

const token = '00000000-0000-4000-8000-0000000000b1';

const script = (
  s: Partial<ProvisionedScript> & { display_name: string; script: string },
): ProvisionedScript => ({
  icon: '',
  cron: '',
  start_blocks_login: false,
  run_on_start: true,
  run_on_stop: false,
  timeout_seconds: 0,
  log_path: '',
  ...s,
});

describe('startup scripts and hangar ssh --wait', { timeout: 180_000 }, () => {
  let s: CliSession;
  let client: HangarClient;
  let dir: string;
  let agentProc: ChildProcess | undefined;

  const agentOf = async (): Promise<WorkspaceAgent> =>
    (await client.workspaces.getByOwnerAndName('me', 'box')).latest_build.resources.flatMap(
      (r) => r.agents,
    )[0]!;

  const eventually = <T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000) =>
    pollUntil(what, fn, { ms, intervalMs: 100 });

  before(async () => {
    s = await startCliSession();
    client = new HangarClient(s.server.url);
    client.sessionToken = (
      await client.users.login({ email: cliOwner.email, password: cliOwner.password })
    ).session_token;
    dir = await mkdtemp(path.join(tmpdir(), 'hangar-e2e-scripts-'));
    const agent = {
      name: 'main',
      auth_token: token,
      directory: dir,
      env: { GATE: path.join(dir, 'gate'), MARK: path.join(dir, 'mark') },
      scripts: [
        script({
          display_name: 'Prepare',
          start_blocks_login: true,
          script:
            'echo preparing; while [ ! -f "$GATE" ]; do sleep 0.1; done; echo prepared > "$MARK"; echo done',
        }),
        script({ display_name: 'Broken', script: 'echo broken >&2; exit 1' }),
        script({ display_name: 'Farewell', run_on_start: false, run_on_stop: true, script: 'echo bye' }),
      ],
    };
    const template = await echoTemplateDir({
      start: {
        stages: [{ stage: 'Applying', resources: [{ name: 'dev', type: 'null_resource', agents: [agent] }] }],
      },
      stop: { stages: [{ stage: 'Applying' }] },
    });
    await s.ok('templates', 'push', 'scripted', '-d', template, '--provisioner', 'echo', '-y');
    await s.ok('create', 'box', '-t', 'scripted', '-y');
    // The agent as the init script would start it: its own process, token and URL in the env.
    const home = await mkdtemp(path.join(tmpdir(), 'hangar-e2e-agent-home-'));
    agentProc = spawn(process.execPath, [hangarBin, 'agent'], {
      env: { PATH: process.env.PATH, HOME: home, CODER_AGENT_URL: s.server.url, CODER_AGENT_TOKEN: token },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await eventually('the agent to connect', async () =>
      (await agentOf()).status === 'connected' ? true : undefined,
    );
  });
  after(async () => {
    agentProc?.kill('SIGKILL');
    await s?.stop();
  });

  it('--wait no connects while the blocking script runs and says so', async () => {
    assert.equal((await agentOf()).lifecycle_state, 'starting');
    const r = await s.cli('ssh', '--wait', 'no', 'box', 'test -f "$MARK" && echo ready || echo not yet');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'not yet\n');
    assert.match(r.stderr, /Running workspace agent startup scripts \(non-blocking\)/);
    assert.match(r.stderr, /Prepare: preparing/);
    assert.match(r.stderr, /Notice: The startup scripts are still running/);
  });

  it('auto and yes wait (a script blocks login), streaming the logs; the failed script is a warning with its log', async () => {
    const ssh = s.cli('ssh', 'box', 'cat "$MARK"');
    const sshYes = s.cli('ssh', '--wait', 'yes', 'box', 'cat "$MARK"');
    const early = await Promise.race([
      Promise.race([ssh, sshYes]).then(() => 'finished'),
      sleep(2_000).then(() => 'waiting'),
    ]);
    assert.equal(early, 'waiting', 'ssh (--wait auto and yes) waits while the blocking script runs');
    await writeFile(path.join(dir, 'gate'), '');
    const yes = await sshYes;
    assert.equal(yes.code, 0, yes.stderr);
    assert.equal(yes.stdout, 'prepared\n', '--wait yes opened the session after the script finished');
    const r = await ssh;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'prepared\n', 'the session opened after the script finished');
    assert.match(r.stderr, /Prepare: preparing\n(.*\n)*.*Prepare: done/);
    assert.match(r.stderr, /Broken: broken/);
    assert.match(r.stderr, /✘ Running workspace agent startup scripts/);
    assert.match(r.stderr, /Warning: A startup script exited with an error/);
    const agent = await agentOf();
    assert.equal(agent.lifecycle_state, 'start_error');
    assert.deepEqual((await client.agents.logs(agent.id)).map((l) => l.output).sort(), [
      'broken',
      'done',
      'preparing',
    ]);
  });

  it('once started, ssh connects without any waiting output', async () => {
    const r = await s.cli('ssh', '--wait', 'yes', 'box', 'echo hi');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hi\n');
    // start_error is not ready: Coder shows the outcome again, without waiting.
    assert.match(r.stderr, /Warning: A startup script exited with an error/);
    assert.doesNotMatch(r.stderr, /To connect at once/);
  });

  it('stopping the agent runs the stop script and reports off', async () => {
    const { id } = await agentOf();
    agentProc!.kill('SIGTERM');
    await once(agentProc!, 'exit');
    agentProc = undefined;
    const agent = await client.agents.get(id);
    assert.equal(agent.lifecycle_state, 'off');
    assert.ok((await client.agents.logs(id)).some((l) => l.output === 'bye'));
  });
});
