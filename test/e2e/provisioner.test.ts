import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import type { ProvisionerJobLog } from '../../src/sdk/provisioner-jobs.js';
import {
  ownerClient,
  spawnExternalDaemon,
  startProvisionerEnv,
  startReplica,
  waitForJob,
} from '../support/provisioner.js';
import { waitForValue } from '../support/wait.js';

const echo = (stages: unknown[]) => ({ provisioner: 'echo' as const, input: { stages } });

test('built-in and external daemons: 40 jobs each run exactly once, logs stored', async () => {
  const env = await startProvisionerEnv(3);
  const { key } = await env.owner.provisioners.createKey('default', { name: 'ext' });
  const ext = [0, 1].map((i) => spawnExternalDaemon({ url: env.replica.url, key, name: `ext-${i}` }));
  try {
    // All five take part: posted before the external ones connect, the jobs could all be done first.
    await waitForValue('the external daemons to connect', async () =>
      (await env.owner.provisioners.daemons('default')).length === 5 ? true : undefined,
    );
    const jobs = await Promise.all(
      [...Array(40).keys()].map((i) =>
        env.owner.provisioners.postJob(
          'default',
          echo([{ stage: 'Plan', logs: [`job ${i}`], sleep_ms: 20 }]),
        ),
      ),
    );
    for (const j of jobs) assert.equal((await waitForJob(env.owner, j.id)).status, 'succeeded');
    const logs = await env.owner.provisioners.jobLogs(jobs[7]!.id);
    assert.ok(logs.some((l) => l.output === 'job 7' && l.stage === 'Plan' && l.log_source === 'provisioner'));
    const workers = new Set(
      (await env.owner.provisioners.jobs('default', { limit: 100 })).map((j) => j.worker_name),
    );
    assert.ok(workers.size >= 2, `jobs spread over daemons: ${[...workers].join(',')}`);
    const daemons = await env.owner.provisioners.daemons('default');
    assert.equal(daemons.length, 5);
  } finally {
    for (const d of ext) d.child.kill('SIGTERM');
    await Promise.all(ext.map((d) => d.exited));
    await env.close();
  }
});

test('bad key → 401 and the external daemon exits with a clear message', async () => {
  const env = await startProvisionerEnv(0);
  try {
    const d = spawnExternalDaemon({
      url: env.replica.url,
      key: '00000000-0000-0000-0000-000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      name: 'bad',
    });
    assert.equal(await d.exited, 3);
    assert.match(d.output(), /Invalid or revoked provisioner key/);
  } finally {
    await env.close();
  }
});

test('cancel: a pending job at once, a running job through its daemon; tagged job waits for its daemon', async () => {
  const env = await startProvisionerEnv(1);
  try {
    const tagged = await env.owner.provisioners.postJob('default', { ...echo([]), tags: { gpu: 'yes' } });
    const running = await env.owner.provisioners.postJob(
      'default',
      echo([{ stage: 'Apply', sleep_ms: 60_000 }]),
    );
    const queued = await env.owner.provisioners.postJob('default', echo([]));
    await waitForJob(env.owner, running.id, (j) => j.status === 'running');
    const q = await env.owner.provisioners.job('default', queued.id);
    assert.equal(q.status, 'pending');
    assert.ok(q.queue_position >= 1);
    await env.owner.provisioners.cancelJob('default', queued.id);
    assert.equal((await env.owner.provisioners.job('default', queued.id)).status, 'canceled');
    await env.owner.provisioners.cancelJob('default', running.id);
    assert.equal((await waitForJob(env.owner, running.id)).status, 'canceled');
    assert.equal((await env.owner.provisioners.job('default', tagged.id)).status, 'pending');
  } finally {
    await env.close();
  }
});

test('kill -9 an external daemon mid-job: the reaper fails the job, a later job still runs', async () => {
  const env = await startProvisionerEnv(0, { hungJobTimeoutMs: 1_500, reaperIntervalMs: 300 });
  const { key } = await env.owner.provisioners.createKey('default', { name: 'k9' });
  const d = spawnExternalDaemon({ url: env.replica.url, key, name: 'victim' });
  let d2: ReturnType<typeof spawnExternalDaemon> | undefined;
  try {
    const job = await env.owner.provisioners.postJob('default', echo([{ sleep_ms: 60_000 }]));
    await waitForJob(env.owner, job.id, (j) => j.status === 'running');
    d.child.kill('SIGKILL');
    const failed = await waitForJob(env.owner, job.id);
    assert.equal(failed.status, 'failed');
    assert.match(failed.error ?? '', /hung/);
    const logs = await env.owner.provisioners.jobLogs(job.id);
    assert.ok(logs.some((l) => /hung/.test(l.output)));
    d2 = spawnExternalDaemon({ url: env.replica.url, key, name: 'successor' });
    const next = await env.owner.provisioners.postJob('default', echo([]));
    assert.equal((await waitForJob(env.owner, next.id)).status, 'succeeded');
  } finally {
    d2?.child.kill('SIGTERM');
    await d2?.exited;
    await env.close();
  }
});

test('log follow over WebSocket: resume after a reconnect with after=<id>, no loss, no duplicates', async () => {
  const env = await startProvisionerEnv(1);
  try {
    const stages = [...Array(10).keys()].map((i) => ({ stage: `S${i}`, logs: [`line ${i}`], sleep_ms: 60 }));
    const job = await env.owner.provisioners.postJob('default', echo(stages));
    const read = (after: number, stopAfter?: number) =>
      new Promise<ProvisionerJobLog[]>((resolve, reject) => {
        const got: ProvisionerJobLog[] = [];
        const ws = new WebSocket(env.owner.provisioners.followLogsUrl(job.id, after), {
          headers: { 'Coder-Session-Token': env.owner.sessionToken! },
        });
        ws.on('message', (m) => {
          got.push(JSON.parse(m.toString()) as ProvisionerJobLog);
          if (stopAfter !== undefined && got.length >= stopAfter) ws.close();
        });
        ws.on('close', () => resolve(got));
        ws.on('error', reject);
      });
    const first = await read(0, 3);
    const rest = await read(first[first.length - 1]!.id);
    const all = [...first, ...rest];
    const outputs = all.filter((l) => l.log_source === 'provisioner').map((l) => l.output);
    assert.deepEqual(
      outputs,
      [...Array(10).keys()].map((i) => `line ${i}`),
    );
    assert.equal(new Set(all.map((l) => l.id)).size, all.length);
    assert.equal((await waitForJob(env.owner, job.id)).status, 'succeeded');
  } finally {
    await env.close();
  }
});

test('two server processes on one database share the queue exactly once', async () => {
  const env = await startProvisionerEnv(2);
  const second = await startReplica(env.db.url, 2);
  try {
    const other = await ownerClient(second.url);
    const posts = [...Array(30).keys()].map((i) =>
      (i % 2 ? env.owner : other).provisioners.postJob('default', echo([{ sleep_ms: 10 }])),
    );
    const jobs = await Promise.all(posts);
    for (const j of jobs) assert.equal((await waitForJob(env.owner, j.id)).status, 'succeeded');
    const r = await env.db.pool.query(
      `SELECT count(DISTINCT worker_id) AS workers, count(*) FILTER (WHERE job_status = 'succeeded') AS ok FROM provisioner_jobs`,
    );
    assert.equal(Number(r.rows[0].ok), 30);
  } finally {
    await second.close();
    await env.close();
  }
});
