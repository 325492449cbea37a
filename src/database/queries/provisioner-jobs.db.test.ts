import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { pgStore, type Store } from '../store.js';
import { normalizeProvisionerTags, provisionerTagsetContains } from '../../sdk/provisioner-tags.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres.js';

let db: TestDatabase;
let store: Store;
let orgId: string;
let userId: string;

before(async () => {
  db = await createTestDatabase();
  store = pgStore(db.pool);
  orgId = randomUUID();
  userId = randomUUID();
  await store.insertOrganization({ id: orgId, name: 'org', display_name: 'Org', is_default: true });
  await db.pool.query(`INSERT INTO users (id, email, username) VALUES ($1, 'a@example.com', 'a')`, [userId]);
});
after(() => db.dispose());

async function daemon(name: string, tags: Record<string, string>): Promise<string> {
  const row = await store.upsertProvisionerDaemon({
    id: randomUUID(),
    organization_id: orgId,
    name,
    provisioners: ['echo'],
    tags: normalizeProvisionerTags(tags),
    key_id: null,
    version: 'test',
    api_version: '1.0',
  });
  return row.id;
}

async function job(
  tags: Record<string, string>,
  provisioner: 'echo' | 'terraform' = 'echo',
): Promise<string> {
  const row = await store.insertProvisionerJob({
    id: randomUUID(),
    organization_id: orgId,
    initiator_id: userId,
    provisioner,
    type: 'template_version_import',
    input: {},
    tags: normalizeProvisionerTags(tags),
    file_id: null,
  });
  return row.id;
}

// coder-behaviour.md §1.2; the same table as Coder's provisioner_tagset_contains tests.
const tagCases: {
  name: string;
  daemon: Record<string, string>;
  job: Record<string, string>;
  match: boolean;
}[] = [
  { name: 'untagged job, untagged daemon', daemon: {}, job: {}, match: true },
  { name: 'untagged job, tagged daemon', daemon: { os: 'linux' }, job: {}, match: false },
  { name: 'tagged job, untagged daemon', daemon: {}, job: { os: 'linux' }, match: false },
  { name: 'equal tags', daemon: { os: 'linux' }, job: { os: 'linux' }, match: true },
  { name: 'job subset of daemon', daemon: { os: 'linux', arch: 'amd64' }, job: { os: 'linux' }, match: true },
  {
    name: 'job superset of daemon',
    daemon: { os: 'linux' },
    job: { os: 'linux', arch: 'amd64' },
    match: false,
  },
  { name: 'different value', daemon: { os: 'linux' }, job: { os: 'darwin' }, match: false },
  {
    name: 'user scope, same owner',
    daemon: { scope: 'user', owner: 'u1' },
    job: { scope: 'user', owner: 'u1' },
    match: true,
  },
  {
    name: 'user scope, other owner',
    daemon: { scope: 'user', owner: 'u1' },
    job: { scope: 'user', owner: 'u2' },
    match: false,
  },
  { name: 'org job, user daemon', daemon: { scope: 'user', owner: 'u1' }, job: {}, match: false },
];

test('tag matching: SQL provisioner_tagset_contains and the sdk function agree with the table', async () => {
  for (const c of tagCases) {
    const r = await db.pool.query('SELECT provisioner_tagset_contains($1::jsonb, $2::jsonb) AS m', [
      JSON.stringify(normalizeProvisionerTags(c.daemon)),
      JSON.stringify(normalizeProvisionerTags(c.job)),
    ]);
    assert.equal(r.rows[0].m, c.match, `sql: ${c.name}`);
    assert.equal(provisionerTagsetContains(c.daemon, c.job), c.match, `sdk: ${c.name}`);
  }
});

test('acquire: FIFO, only matching tags and types, cancel and queue position', async () => {
  const plain = await daemon('plain', {});
  const linux = await daemon('linux', { os: 'linux' });
  const a = await job({});
  const b = await job({ os: 'linux' });
  const c = await job({});
  const tf = await job({}, 'terraform');
  const pos = await store.getProvisionerJobById(c);
  assert.equal(pos?.queue_position, 3);
  assert.equal(pos?.job_status, 'pending');
  const acquire = (id: string, tags: Record<string, string>) =>
    store.acquireProvisionerJob({
      worker_id: id,
      organization_id: orgId,
      provisioners: ['echo'],
      tags: normalizeProvisionerTags(tags),
    });
  assert.equal((await acquire(linux, { os: 'linux' }))?.id, b);
  assert.equal(await acquire(linux, { os: 'linux' }), undefined);
  assert.equal((await acquire(plain, {}))?.id, a);
  assert.equal((await store.getProvisionerJobById(c))?.queue_position, 1);
  const canceled = await store.cancelProvisionerJob(c);
  assert.equal(canceled?.job_status, 'canceled');
  assert.equal(await acquire(plain, {}), undefined);
  assert.equal((await store.getProvisionerJobById(tf))?.job_status, 'pending');
  // Only the owning worker may heartbeat or finish.
  assert.equal(await store.heartbeatProvisionerJob(a, linux), undefined);
  assert.deepEqual(await store.heartbeatProvisionerJob(a, plain), { canceled_at: null });
  assert.equal((await store.completeProvisionerJob(a, plain))?.job_status, 'succeeded');
  assert.equal(await store.completeProvisionerJob(a, plain), undefined);
});

test('acquire: 200 jobs, 8 concurrent acquirers, each job exactly once', async () => {
  const daemons = await Promise.all([...Array(8).keys()].map((i) => daemon(`conc-${i}`, { pool: 'conc' })));
  const ids = new Set<string>();
  for (let i = 0; i < 200; i++) ids.add(await job({ pool: 'conc' }));
  const got: string[] = [];
  await Promise.all(
    daemons.map(async (d) => {
      for (;;) {
        const j = await store.acquireProvisionerJob({
          worker_id: d,
          organization_id: orgId,
          provisioners: ['echo'],
          tags: normalizeProvisionerTags({ pool: 'conc' }),
        });
        if (!j) return;
        got.push(j.id);
      }
    }),
  );
  assert.equal(got.length, 200);
  assert.deepEqual(new Set(got), ids);
});

test('logs: ids increase, status derived, cap sets logs_overflowed', async () => {
  const d = await daemon('logger', { pool: 'logs' });
  const id = await job({ pool: 'logs' });
  await store.acquireProvisionerJob({
    worker_id: d,
    organization_id: orgId,
    provisioners: ['echo'],
    tags: normalizeProvisionerTags({ pool: 'logs' }),
  });
  const line = (output: string) => ({
    created_at: new Date(),
    source: 'provisioner' as const,
    level: 'info' as const,
    stage: 'Plan',
    output,
  });
  const ids = await store.insertProvisionerJobLogs(id, [line('one'), line('two')], 10);
  assert.equal(ids.length, 2);
  assert.deepEqual(await store.insertProvisionerJobLogs(id, [line('seven77')], 10), []);
  const row = await store.getProvisionerJobById(id);
  assert.equal(row?.logs_overflowed, true);
  assert.equal(row?.logs_length, 6);
  const logs = await store.listProvisionerJobLogsAfter(id, Number(ids[0]));
  assert.deepEqual(
    logs.map((l) => l.output),
    ['two'],
  );
  await store.cancelProvisionerJob(id);
  assert.equal((await store.getProvisionerJobById(id))?.job_status, 'canceling');
  const failed = await store.failProvisionerJob({ id, worker_id: d, error: 'interrupted', error_code: null });
  assert.equal(failed?.job_status, 'canceled');
});

test('notify: insert, complete and fail NOTIFY in their statement, at commit, only when they write', async () => {
  const listener = new pg.Client({ connectionString: db.url });
  await listener.connect();
  const heard: string[] = [];
  listener.on('notification', (n) => heard.push(`${n.channel} ${n.payload}`));
  await listener.query('LISTEN hangar_test_jobs');
  // Notifications arrive in commit order: everything committed before a marker arrives before it.
  const delivered = async () => {
    await db.pool.query(`SELECT pg_notify('hangar_test_jobs', 'marker')`);
    while (!heard.includes('hangar_test_jobs marker')) await new Promise((r) => setTimeout(r, 5));
    return heard.splice(0).slice(0, -1);
  };
  const notify = (message: string) => ({ channel: 'hangar_test_jobs', message });
  try {
    const d = await daemon('notifier', { pool: 'notify' });
    const jobParams = () => ({
      id: randomUUID(),
      organization_id: orgId,
      initiator_id: userId,
      provisioner: 'echo' as const,
      type: 'template_version_import' as const,
      input: {},
      tags: normalizeProvisionerTags({ pool: 'notify' }),
      file_id: null,
    });
    const posted = await store.insertProvisionerJob(jobParams(), notify('posted'));
    assert.equal('pg_notified' in posted, false);
    assert.equal(posted.queue_position >= 1, true);
    assert.deepEqual(await delivered(), ['hangar_test_jobs posted']);

    // In a transaction the notification waits for the commit and vanishes with a rollback.
    await assert.rejects(
      store.inTx(async (tx) => {
        await tx.insertProvisionerJob(jobParams(), notify('rolled back'));
        throw new Error('roll back');
      }),
    );
    assert.deepEqual(await delivered(), []);

    const acquire = () =>
      store.acquireProvisionerJob({
        worker_id: d,
        organization_id: orgId,
        provisioners: ['echo'],
        tags: normalizeProvisionerTags({ pool: 'notify' }),
      });
    assert.equal((await acquire())?.id, posted.id);
    const line = {
      created_at: new Date(),
      source: 'provisioner' as const,
      level: 'info' as const,
      stage: 'Plan',
    };
    const ids = await store.insertProvisionerJobLogs(
      posted.id,
      [
        { ...line, output: 'a' },
        { ...line, output: 'b' },
      ],
      1000,
      d,
      'hangar_test_jobs',
    );
    assert.equal(ids.length, 2);
    const hint = (await delivered()).map((m) => JSON.parse(m.replace('hangar_test_jobs ', '')));
    assert.deepEqual(hint, [{ created_after: Number(ids[0]) - 1 }]);
    // Nothing inserted (over the cap): no hint.
    assert.deepEqual(
      await store.insertProvisionerJobLogs(
        posted.id,
        [{ ...line, output: 'x'.repeat(2000) }],
        1000,
        d,
        'hangar_test_jobs',
      ),
      [],
    );
    assert.deepEqual(await delivered(), []);
    const done = await store.completeProvisionerJob(posted.id, d, { notify: notify('completed') });
    assert.equal(done?.job_status, 'succeeded');
    assert.equal(done !== undefined && 'pg_notified' in done, false);
    // A second completion matches no row: nothing is announced.
    assert.equal(await store.completeProvisionerJob(posted.id, d, { notify: notify('again') }), undefined);
    assert.deepEqual(await delivered(), ['hangar_test_jobs completed']);

    const second = await store.insertProvisionerJob(jobParams());
    assert.equal((await acquire())?.id, second.id);
    const failure = { id: second.id, worker_id: d, error: 'boom', error_code: null };
    assert.equal((await store.failProvisionerJob(failure, notify('failed')))?.job_status, 'failed');
    assert.equal(await store.failProvisionerJob(failure, notify('failed again')), undefined);
    assert.deepEqual(await delivered(), ['hangar_test_jobs failed']);
  } finally {
    await listener.end();
  }
});

test('complete: the final lines go in with the completion, under the cap, only for the owner', async () => {
  const d = await daemon('finisher', { pool: 'final' });
  const other = await daemon('other', { pool: 'final' });
  const line = (output: string) => ({
    created_at: new Date(),
    source: 'provisioner' as const,
    level: 'info' as const,
    stage: 'Apply',
    output,
  });
  const run = async () => {
    const id = await job({ pool: 'final' });
    const got = await store.acquireProvisionerJob({
      worker_id: d,
      organization_id: orgId,
      provisioners: ['echo'],
      tags: normalizeProvisionerTags({ pool: 'final' }),
    });
    assert.equal(got?.id, id);
    return id;
  };
  const outputs = async (id: string) => (await store.listProvisionerJobLogsAfter(id, 0)).map((l) => l.output);

  const a = await run();
  await store.insertProvisionerJobLogs(a, [line('first')], 12, d);
  // Not the owner: nothing is written, nothing completes.
  assert.equal(
    await store.completeProvisionerJob(a, other, { logs: { lines: [line('x')], capBytes: 12 } }),
    undefined,
  );
  const done = await store.completeProvisionerJob(a, d, {
    logs: { lines: [line('2nd'), line('3rd')], capBytes: 12 },
  });
  assert.equal(done?.job_status, 'succeeded');
  assert.equal(done?.logs_length, 11);
  assert.equal(done?.logs_overflowed, false);
  assert.equal(done !== undefined && 'fits' in done, false);
  assert.deepEqual(await outputs(a), ['first', '2nd', '3rd']);

  // Lines past the cap are dropped and the job marked overflowed; it still completes.
  const b = await run();
  const over = await store.completeProvisionerJob(b, d, { logs: { lines: [line('too long')], capBytes: 4 } });
  assert.equal(over?.job_status, 'succeeded');
  assert.equal(over?.logs_overflowed, true);
  assert.equal(over?.logs_length, 0);
  assert.deepEqual(await outputs(b), []);

  // No lines: nothing about the logs changes.
  const c = await run();
  await store.insertProvisionerJobLogs(c, [line('full')], 4, d);
  const plain = await store.completeProvisionerJob(c, d);
  assert.equal(plain?.logs_overflowed, false);
  assert.equal(plain?.logs_length, 4);
});
