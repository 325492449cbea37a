// `hangar provisioner …` as a user runs it: real `hangar server` and `hangar provisioner start`
// processes, real WebSockets, real PostgreSQL.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { HangarClient } from '../../src/sdk/hangar-client.js';
import { ProvisionerPSKHeader } from '../../src/sdk/headers.js';
import type { ProvisionerDaemon } from '../../src/sdk/provisioner-daemons.js';
import type { ProvisionerJob } from '../../src/sdk/provisioner-jobs.js';
import { assertGolden } from '../support/cli-golden.js';
import { runCli, type CliResult } from '../support/cli.js';
import { expectError } from '../support/coderd.js';
import { ownerClient, spawnExternalDaemon, waitForJob, type ExternalDaemon } from '../support/provisioner.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { pollUntil } from '../support/wait.js';

const psk = 'test-psk-0123456789';
const echo = (stages: unknown[], tags: Record<string, string> = {}) => ({
  provisioner: 'echo' as const,
  input: { stages },
  tags,
});

const waitFor = <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 15_000) =>
  pollUntil(what, fn, { ms: timeoutMs, intervalMs: 50 });

describe('cli provisioner', () => {
  let server: TestServer;
  let owner: HangarClient;
  const daemons: ExternalDaemon[] = [];
  const cli = (...args: string[]): Promise<CliResult> =>
    runCli(args, { env: { HANGAR_URL: server.url, HANGAR_SESSION_TOKEN: owner.sessionToken } });
  const ok = async (...args: string[]): Promise<string> => {
    const r = await cli(...args);
    assert.equal(r.code, 0, `hangar ${args.join(' ')} failed:\n${r.stderr}`);
    return r.stdout;
  };
  const daemon = (args: Parameters<typeof spawnExternalDaemon>[0]) => {
    const d = spawnExternalDaemon(args);
    daemons.push(d);
    return d;
  };
  const daemonNamed = (name: string) =>
    waitFor(`daemon ${name}`, async () =>
      (await owner.provisioners.daemons('default')).find((d) => d.name === name && d.status !== 'offline'),
    );

  before(async () => {
    server = await startTestServer({ extraArgs: ['--provisioner-daemon-psk', psk] });
    owner = await ownerClient(server.url);
  });
  after(async () => {
    for (const d of daemons) if (d.child.exitCode === null) d.child.kill('SIGKILL');
    await Promise.all(daemons.map((d) => d.exited));
    await server?.stop();
  });

  it('keys create prints the key once; a daemon started with it runs a job; list shows both', async () => {
    const created = await cli('provisioner', 'keys', 'create', 'ci', '--tag', 'pool=ci');
    assert.equal(created.code, 0, created.stderr);
    const key = created.stdout.trim();
    assert.match(key, /^[0-9a-f-]{36}\.[A-Za-z0-9_-]{32}$/);
    assert.match(created.stderr, /will not be shown again/);
    assertGolden('hangar_provisioner_keys_list', await ok('provisioner', 'keys', 'list'));
    const keys = JSON.parse(await ok('provisioner', 'keys', 'list', '-o', 'json')) as { name: string }[];
    assert.deepEqual(
      keys.map((k) => k.name),
      ['ci'],
    );
    assert.ok(!JSON.stringify(keys).includes(key.split('.')[1]!), 'the secret is never listed');

    daemon({ url: server.url, key, name: 'ci-daemon' });
    const registered = await daemonNamed('ci-daemon');
    assert.equal(registered.tags.pool, 'ci', 'the key fixes the daemon tags');
    const job = await owner.provisioners.postJob(
      'default',
      echo([{ logs: ['hello from ci'] }], { pool: 'ci' }),
    );
    const done = await waitForJob(owner, job.id);
    assert.equal(done.status, 'succeeded');
    assert.equal(done.worker_name, 'ci-daemon');

    const listed = JSON.parse(await ok('provisioner', 'list', '-o', 'json')) as ProvisionerDaemon[];
    const listedDaemon = listed.find((d) => d.name === 'ci-daemon');
    assert.deepEqual(listedDaemon?.provisioners, ['echo']);
    const table = await ok('provisioner', 'list', '-c', 'name,provisioners,tags');
    assert.match(table, /ci-daemon\s+echo\s+pool=ci scope=organization/);

    const jobs = JSON.parse(
      await ok('provisioner', 'jobs', 'list', '-o', 'json', '--status', 'succeeded', '--limit', '5'),
    ) as ProvisionerJob[];
    assert.ok(jobs.some((j) => j.id === job.id));
    assert.ok(jobs.every((j) => j.status === 'succeeded'));
    const pending = JSON.parse(
      await ok('provisioner', 'jobs', 'list', '-o', 'json', '--status', 'pending'),
    ) as ProvisionerJob[];
    assert.ok(!pending.some((j) => j.id === job.id));
  });

  it('bad flags: unknown status, an unknown provisioner type, --tag with --key', async () => {
    const status = await cli('provisioner', 'jobs', 'list', '--status', 'exploded');
    assert.equal(status.code, 2);
    assertGolden('hangar_provisioner_jobs_list_--status_exploded', status.stderr);
    const types = await cli('provisioner', 'start', '--psk', psk, '--provisioner-types', 'pulumi');
    assert.equal(types.code, 2);
    assert.match(types.stderr, /"pulumi" provisioner is not available in this build/);
    const both = await cli('provisioner', 'start', '--key', 'x', '--tag', 'a=b');
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--tag cannot be used with --key/);
  });

  it('a member cannot create, list or delete provisioner keys', async () => {
    await owner.users.create({
      username: 'member',
      email: 'member@example.com',
      password: 'Member-Passw0rd!x',
    });
    const member = new HangarClient(server.url);
    member.sessionToken = (
      await member.users.login({ email: 'member@example.com', password: 'Member-Passw0rd!x' })
    ).session_token;
    await expectError('forbidden', () => member.provisioners.createKey('default', { name: 'sneaky' }));
    const r = await runCli(['provisioner', 'keys', 'create', 'sneaky'], {
      env: { HANGAR_URL: server.url, HANGAR_SESSION_TOKEN: member.sessionToken },
    });
    assert.equal(r.code, 4, r.stderr);
    assert.deepEqual(await member.provisioners.keys('default'), []);
    assert.ok(!(await owner.provisioners.keys('default')).some((k) => k.name === 'sneaky'));
  });

  it('deleting a key disconnects its daemon, which exits with a clear message', async () => {
    const key = (await ok('provisioner', 'keys', 'create', 'doomed')).trim();
    const d = daemon({ url: server.url, key, name: 'doomed-daemon' });
    await daemonNamed('doomed-daemon');
    await ok('provisioner', 'keys', 'delete', 'doomed', '--yes');
    assert.equal(await d.exited, 3, d.output());
    assert.match(d.output(), /refused the provisioner daemon: Invalid or revoked provisioner key/);
    assert.match(d.output(), /hint: The key may have been deleted/);
    const again = daemon({ url: server.url, key, name: 'doomed-again' });
    assert.equal(await again.exited, 3);
    const noConfirm = await cli('provisioner', 'keys', 'delete', 'ci');
    assert.equal(noConfirm.code, 2, 'no terminal to confirm on and no --yes');
    assert.ok((await owner.provisioners.keys('default')).some((k) => k.name === 'ci'));
  });

  it('PSK: the right one serves jobs, a wrong one is refused', async () => {
    const wrong = daemon({ url: server.url, psk: 'not-the-psk', name: 'wrong-psk' });
    assert.equal(await wrong.exited, 3);
    assert.match(wrong.output(), /Invalid provisioner daemon pre-shared key/);
    daemon({ url: server.url, psk, name: 'psk-daemon', tags: { pool: 'psk' } });
    await daemonNamed('psk-daemon');
    const job = await owner.provisioners.postJob('default', echo([], { pool: 'psk' }));
    const done = await waitForJob(owner, job.id);
    assert.equal(done.status, 'succeeded');
    assert.equal(done.worker_name, 'psk-daemon');
  });

  it('a job with corrupt input fails with a clear error and the daemon takes the next job', async () => {
    daemon({ url: server.url, psk, name: 'corrupt-daemon', tags: { pool: 'corrupt' } });
    await daemonNamed('corrupt-daemon');
    const bad = await owner.provisioners.postJob('default', {
      provisioner: 'echo',
      tags: { pool: 'corrupt' },
      input: { stages: 'not a list' },
    });
    const good = await owner.provisioners.postJob(
      'default',
      echo([{ logs: ['after'] }], { pool: 'corrupt' }),
    );
    const failed = await waitForJob(owner, bad.id);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error_code, 'INVALID_INPUT');
    assert.match(failed.error ?? '', /stages/);
    const next = await waitForJob(owner, good.id);
    assert.equal(next.status, 'succeeded');
    assert.equal(next.worker_name, 'corrupt-daemon');
  });

  it('SIGTERM lets the running job finish; SIGINT cancels it; both exit 0', async () => {
    const term = daemon({ url: server.url, psk, name: 'term-daemon', tags: { pool: 'term' } });
    const int = daemon({ url: server.url, psk, name: 'int-daemon', tags: { pool: 'int' } });
    await Promise.all([daemonNamed('term-daemon'), daemonNamed('int-daemon')]);
    const finishing = await owner.provisioners.postJob(
      'default',
      echo([{ sleep_ms: 1_500, logs: ['done sleeping'] }], { pool: 'term' }),
    );
    const canceled = await owner.provisioners.postJob(
      'default',
      echo([{ sleep_ms: 60_000 }], { pool: 'int' }),
    );
    await waitForJob(owner, finishing.id, (j) => j.status === 'running');
    await waitForJob(owner, canceled.id, (j) => j.status === 'running');
    term.child.kill('SIGTERM');
    int.child.kill('SIGINT');
    const [termCode, intCode] = await Promise.all([term.exited, int.exited]);
    assert.equal(termCode, 0, term.output());
    assert.equal(intCode, 0, int.output());
    const finished = await owner.provisioners.job('default', finishing.id);
    assert.equal(finished.status, 'succeeded', 'SIGTERM waited for the job');
    const interrupted = await owner.provisioners.job('default', canceled.id);
    assert.equal(interrupted.status, 'failed');
    assert.match(interrupted.error ?? '', /interrupted/);
    // After SIGTERM the daemon takes no new job.
    const orphan = await owner.provisioners.postJob('default', echo([], { pool: 'term' }));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await owner.provisioners.job('default', orphan.id)).status, 'pending');
    await owner.provisioners.cancelJob('default', orphan.id);
  });

  it('malformed frames close that socket with 4400; the server keeps serving', async () => {
    const u = new URL('api/v2/organizations/default/provisionerdaemons/serve', server.url);
    u.protocol = 'ws:';
    u.searchParams.set('provisioner', 'echo');
    u.searchParams.set('name', 'raw-socket');
    const closeCodeAfter = async (frame: string | Buffer): Promise<number> => {
      const ws = new WebSocket(u, { headers: { [ProvisionerPSKHeader]: psk } });
      await once(ws, 'message'); // the hello frame
      ws.send(frame);
      const [code] = (await once(ws, 'close')) as [number];
      return code;
    };
    assert.equal(await closeCodeAfter('{not json'), 4400);
    assert.equal(await closeCodeAfter(JSON.stringify({ id: 1, method: 'explode' })), 4400);
    assert.equal(
      await closeCodeAfter(JSON.stringify({ id: 1, method: 'update', params: { job_id: 'nope', logs: 3 } })),
      4400,
    );
    assert.equal(await closeCodeAfter(Buffer.from([0, 1, 2])), 4400);
    daemon({ url: server.url, psk, name: 'after-garbage', tags: { pool: 'garbage' } });
    const job = await owner.provisioners.postJob('default', echo([], { pool: 'garbage' }));
    assert.equal((await waitForJob(owner, job.id)).status, 'succeeded');
  });
});

describe('cli provisioner: pending-job timeout', () => {
  it('a job no daemon can take is failed after --provisioner-pending-job-timeout', async () => {
    await using server = await startTestServer({ extraArgs: ['--provisioner-pending-job-timeout', '2s'] });
    const owner = await ownerClient(server.url);
    const job = await owner.provisioners.postJob('default', echo([], { gpu: 'a100' }));
    assert.equal((await owner.provisioners.job('default', job.id)).status, 'pending');
    const failed = await waitForJob(owner, job.id, undefined, 15_000);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error_code, 'PENDING_JOB_TIMEOUT');
    const logs = await owner.provisioners.jobLogs(job.id);
    assert.ok(logs.some((l) => /no provisioner daemon able to run it/.test(l.output)));
    const r = await runCli(['provisioner', 'jobs', 'list', '-o', 'json', '--status', 'failed'], {
      env: { HANGAR_URL: server.url, HANGAR_SESSION_TOKEN: owner.sessionToken },
    });
    assert.deepEqual(
      (JSON.parse(r.stdout) as ProvisionerJob[]).map((j) => j.id),
      [job.id],
    );
  });
});
