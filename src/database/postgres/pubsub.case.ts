// The one behaviour suite every Pubsub implementation runs (house style 17): pg-pubsub.db.test.ts and
// memory-pubsub.test.ts each call it with a factory.
import * as assert from 'node:assert/strict';
import { it } from 'node:test';
import { InvalidInput, Unavailable } from '../../sdk/errors.js';
import type { Pubsub } from './pubsub.js';

export interface PubsubFixture {
  pubsub: Pubsub;
  dispose(): Promise<void>;
}

/** Collects messages and lets a test wait until it has `n` of them. */
export class Inbox {
  readonly messages: string[] = [];
  private waiters: (() => void)[] = [];

  readonly push = (m: string): void => {
    this.messages.push(m);
    this.waiters.splice(0).forEach((w) => w());
  };

  async waitFor(n: number, timeoutMs = 5000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < n) {
      const left = deadline - Date.now();
      if (left <= 0) assert.fail(`expected ${n} messages, got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => (clearTimeout(t), r()));
      });
    }
    return this.messages;
  }
}

/** Enough time for a message that is going to arrive to arrive. */
const settle = () => new Promise((r) => setTimeout(r, 150));

export function pubsubCases(create: () => Promise<PubsubFixture>): void {
  async function withPubsub(fn: (ps: Pubsub) => Promise<void>): Promise<void> {
    const f = await create();
    try {
      await fn(f.pubsub);
    } finally {
      await f.dispose();
    }
  }

  it('delivers messages in order to a subscriber', () =>
    withPubsub(async (ps) => {
      const inbox = new Inbox();
      await ps.subscribe('jobs', inbox.push);
      for (const m of ['a', 'b', 'c']) await ps.publish('jobs', m);
      assert.deepEqual(await inbox.waitFor(3), ['a', 'b', 'c']);
    }));

  it('fans out to every subscriber of a channel and only that channel', () =>
    withPubsub(async (ps) => {
      const one = new Inbox();
      const two = new Inbox();
      const other = new Inbox();
      await ps.subscribe('workspace_owner:1', one.push);
      await ps.subscribe('workspace_owner:1', two.push);
      await ps.subscribe('workspace_owner:2', other.push);
      await ps.publish('workspace_owner:1', 'hello');
      assert.deepEqual(await one.waitFor(1), ['hello']);
      assert.deepEqual(await two.waitFor(1), ['hello']);
      await settle();
      assert.deepEqual(other.messages, []);
    }));

  it('stops delivering after unsubscribe, while other subscribers keep receiving', () =>
    withPubsub(async (ps) => {
      const gone = new Inbox();
      const stays = new Inbox();
      const unsubscribe = await ps.subscribe('ch', gone.push);
      await ps.subscribe('ch', stays.push);
      await ps.publish('ch', '1');
      await gone.waitFor(1);
      await unsubscribe();
      await unsubscribe(); // idempotent
      await ps.publish('ch', '2');
      assert.deepEqual(await stays.waitFor(2), ['1', '2']);
      await settle();
      assert.deepEqual(gone.messages, ['1']);
    }));

  it('resubscribing after the last subscriber left works', () =>
    withPubsub(async (ps) => {
      const first = await ps.subscribe('again', () => {});
      await first();
      const inbox = new Inbox();
      await ps.subscribe('again', inbox.push);
      await ps.publish('again', 'back');
      assert.deepEqual(await inbox.waitFor(1), ['back']);
    }));

  it('a throwing or rejecting listener does not break delivery to others', () =>
    withPubsub(async (ps) => {
      const inbox = new Inbox();
      await ps.subscribe('boom', () => {
        throw new Error('listener bug');
      });
      await ps.subscribe('boom', (() => Promise.reject(new Error('async listener bug'))) as () => void);
      await ps.subscribe('boom', inbox.push);
      await ps.publish('boom', 'x');
      await ps.publish('boom', 'y');
      assert.deepEqual(await inbox.waitFor(2), ['x', 'y']);
    }));

  it('carries unicode and payloads up to the limit, and refuses larger ones clearly', () =>
    withPubsub(async (ps) => {
      const inbox = new Inbox();
      await ps.subscribe('big', inbox.push);
      const big = 'x'.repeat(7999);
      await ps.publish('big', 'héllo ✓ {"json":true}');
      await ps.publish('big', big);
      assert.deepEqual(await inbox.waitFor(2), ['héllo ✓ {"json":true}', big]);
      await assert.rejects(ps.publish('big', 'x'.repeat(8000)), (err: unknown): boolean => {
        assert.ok(err instanceof InvalidInput);
        assert.match(err.message, /is 8000 bytes; the limit is 7999/);
        return true;
      });
    }));

  it('refuses empty and over-long channel names', () =>
    withPubsub(async (ps) => {
      await assert.rejects(ps.publish('', 'x'), InvalidInput);
      await assert.rejects(
        ps.subscribe('c'.repeat(64), () => {}),
        InvalidInput,
      );
    }));

  it('refuses use after close', async () => {
    const f = await create();
    await f.pubsub.close();
    await assert.rejects(f.pubsub.publish('ch', 'x'), Unavailable);
    await assert.rejects(
      f.pubsub.subscribe('ch', () => {}),
      Unavailable,
    );
    await f.dispose();
  });
}
