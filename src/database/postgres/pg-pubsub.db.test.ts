import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase } from '../../../test/support/postgres.js';
import type { TestDatabase } from '../../../test/support/postgres.js';
import { Unavailable } from '../../sdk/errors.js';
import { PgPubsub } from './pubsub.js';
import { Inbox, pubsubCases } from './pubsub.case.js';

describe('PgPubsub', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  after(() => db.dispose());

  pubsubCases(async () => {
    const pubsub = await PgPubsub.create({ url: db.url, pool: db.pool, logger: quiet });
    return { pubsub, dispose: () => pubsub.close() };
  });

  it('says clearly when the listener cannot connect', async () => {
    const closed = new URL(db.url);
    closed.port = '1';
    await assert.rejects(
      PgPubsub.create({ url: closed.toString(), pool: db.pool, logger: quiet }),
      (err: unknown): boolean => {
        assert.ok(err instanceof Unavailable);
        assert.match(err.message, /^Cannot open the pub\/sub listener connection .*nothing is listening/);
        return true;
      },
    );
  });

  it('uses one listener connection however many subscribers', async () => {
    const ps = await PgPubsub.create({ url: db.url, pool: db.pool, logger: quiet });
    try {
      await ps.subscribe('once', () => {});
      await ps.subscribe('once', () => {});
      const r = await db.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'hangar-pubsub'",
      );
      assert.equal(r.rows[0]?.n, 1, 'one listener connection');
    } finally {
      await ps.close();
    }
  });

  it('reconnects after the listener backend is killed, calls onDropped, and delivers again', async () => {
    const ps = await PgPubsub.create({ url: db.url, pool: db.pool, logger: quiet });
    try {
      const inbox = new Inbox();
      let dropped = 0;
      const droppedOnce = new Promise<void>((resolve) => {
        void ps.subscribe('after-kill', inbox.push, () => {
          dropped++;
          resolve();
        });
      });
      await ps.subscribe('other', () => {});
      await ps.publish('after-kill', 'before');
      await inbox.waitFor(1);
      assert.equal(ps.unavailable, undefined);
      const killed = await db.pool.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'hangar-pubsub'",
      );
      assert.equal(killed.rowCount, 1);
      await droppedOnce;
      assert.equal(dropped, 1);
      // Subscribers are told to re-read only once every channel is listened to again.
      assert.equal(ps.unavailable, undefined);
      await ps.publish('after-kill', 'after');
      assert.deepEqual(await inbox.waitFor(2), ['before', 'after']);
    } finally {
      await ps.close();
    }
    assert.equal(ps.unavailable, 'the pub/sub is closed');
  });
});

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => quiet };
