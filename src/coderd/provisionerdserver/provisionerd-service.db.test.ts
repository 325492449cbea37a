import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
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
      {
        hungJobTimeoutMs: pollMs,
        pendingJobTimeoutMs: pollMs,
        reaperIntervalMs: pollMs,
        acquireFallbackPollMs: pollMs,
      },
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
      const job = await service.postJob({
        organizationId: orgId,
        initiatorId: userId,
        provisioner: 'echo',
        type: 'template_version_import',
        tags,
        input: {},
      });
      const got = await acquiring;
      assert.equal(got?.job_id, job.id);
      assert.ok(Date.now() - posted < 10_000, 'woken by the notification, not the fallback poll');
    } finally {
      await service.close();
      await pubsub.close();
    }
  });
}
