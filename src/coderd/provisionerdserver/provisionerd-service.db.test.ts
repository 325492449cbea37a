import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { nopLogger } from '../../sdk/logger.js';
import { MemoryPubsub } from '../../database/postgres/memory-pubsub.js';
import { PgPubsub, type Pubsub } from '../../database/postgres/pubsub.js';
import { pgStore } from '../../database/store.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres.js';
import { ProvisionerdService } from './provisionerd-service.js';

let db: TestDatabase;
let orgId: string;
let userId: string;

before(async () => {
  db = await createTestDatabase();
  orgId = randomUUID();
  userId = randomUUID();
  await pgStore(db.pool).insertOrganization({
    id: orgId,
    name: 'org',
    display_name: 'Org',
    is_default: true,
  });
  await db.pool.query(`INSERT INTO users (id, email, username) VALUES ($1, 'a@example.com', 'a')`, [userId]);
});
after(() => db.dispose());

// The fallback poll is far away, so only the posting's notification can wake the waiting daemon.
const pollMs = 120_000;
const quietTimeouts = {
  hungJobTimeoutMs: pollMs,
  pendingJobTimeoutMs: pollMs,
  reaperIntervalMs: pollMs,
  acquireFallbackPollMs: pollMs,
};

/** An echo template import with `tags`, posted by the test user. */
const postEchoJob = (service: ProvisionerdService, tags: Record<string, string>) =>
  service.postJob({
    organizationId: orgId,
    initiatorId: userId,
    provisioner: 'echo',
    type: 'template_version_import',
    tags,
    input: {},
  });

for (const mode of [
  { name: 'in-memory pub/sub, published after commit', notifyInStatements: false },
  { name: 'PostgreSQL pub/sub, NOTIFY in the insert statement', notifyInStatements: true },
]) {
  test(`a posted job wakes a waiting daemon at once: ${mode.name}`, async () => {
    const pubsub: Pubsub = mode.notifyInStatements
      ? await PgPubsub.create({ url: db.url, pool: db.pool, logger: nopLogger })
      : new MemoryPubsub();
    const service = new ProvisionerdService(
      pgStore(db.pool),
      pubsub,
      nopLogger,
      quietTimeouts,
      mode.notifyInStatements,
    );
    await service.start();
    try {
      const tags = { run: randomUUID() };
      const daemon = await service.register(
        { name: 'd', version: 't', provisioners: ['echo'], tags },
        orgId,
        null,
      );
      const acquiring = daemon.acquireJob(AbortSignal.timeout(pollMs / 2));
      // Let the daemon find the queue empty and go to sleep before the job is posted.
      await new Promise((r) => setTimeout(r, 300));
      const posted = Date.now();
      const job = await postEchoJob(service, tags);
      const got = await acquiring;
      assert.equal(got?.job_id, job.id);
      assert.ok(Date.now() - posted < 10_000, 'woken by the notification, not the fallback poll');
    } finally {
      await service.close();
      await pubsub.close();
    }
  });
}

test('a raw echo job completes in one statement; one acquired over an earlier connection, in a transaction', async () => {
  // A pool of its own whose connections record what they send, to see BEGIN or its absence.
  const sent: string[] = [];
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const q = args[0] as string | { text: string };
      sent.push(typeof q === 'string' ? q : q.text);
      return query(...args);
    };
  });
  const pubsub = new MemoryPubsub();
  const service = new ProvisionerdService(pgStore(pool), pubsub, nopLogger, quietTimeouts);
  await service.start();
  try {
    const tags = { run: randomUUID() };
    const registration = { name: `d-${tags.run}`, version: 't', provisioners: ['echo' as const], tags };
    const post = () => postEchoJob(service, tags);
    const line = (output: string) => ({
      source: 'provisioner' as const,
      level: 'info' as const,
      created_at: Date.now(),
      stage: 'Echo',
      output,
    });
    const finished = async (jobId: string) => {
      const job = await pgStore(db.pool).getProvisionerJobById(jobId);
      const logs = await pgStore(db.pool).listProvisionerJobLogsAfter(jobId, 0);
      return { status: job?.job_status, logs: logs.map((l) => l.output) };
    };

    const daemon = await service.register(registration, orgId, null);
    const first = await post();
    assert.equal((await daemon.acquireJob(AbortSignal.timeout(10_000)))?.job_id, first.id);
    sent.length = 0;
    await daemon.completeJob({ job_id: first.id, result: { resources: [] }, logs: [line('one')] });
    assert.deepEqual(
      sent.filter((q) => /^\s*(BEGIN|COMMIT)/.test(q)),
      [],
      'no transaction',
    );
    assert.equal(sent.length, 1, 'one statement');
    assert.deepEqual(await finished(first.id), { status: 'succeeded', logs: ['one'] });

    // The daemon reconnects mid-job: the new endpoint does not know the job's kind and takes the
    // transaction, which is right for every job.
    const second = await post();
    assert.equal((await daemon.acquireJob(AbortSignal.timeout(10_000)))?.job_id, second.id);
    const reconnected = await service.register(registration, orgId, null);
    sent.length = 0;
    await reconnected.completeJob({ job_id: second.id, result: { resources: [] }, logs: [line('two')] });
    assert.ok(sent.includes('BEGIN') && sent.includes('COMMIT'), 'in a transaction');
    assert.deepEqual(await finished(second.id), { status: 'succeeded', logs: ['two'] });

    // Completing it again is refused either way, as before.
    await assert.rejects(
      daemon.completeJob({ job_id: first.id, result: { resources: [] } }),
      /is not running on this daemon/,
    );
  } finally {
    await service.close();
    await pubsub.close();
    await pool.end();
  }
});
