/**
 * Following a log over a WebSocket (`?follow`), for provisioner job logs and agent logs alike.
 * Subscribe first, then read the backlog, and on every hint re-read `id > last sent`: ids only
 * grow, so nothing is lost or sent twice, and a client that reconnects with `after=<last id>`
 * resumes exactly where it stopped. The stream says when it is over (the job completed, the agent
 * left the latest build); it is checked before each read, so the last read has every row.
 */
import { InvalidInput } from '../sdk/errors.js';
import { Coalescer } from '../sdk/coalesce.js';
import { currentActor, withActor } from '../database/authz/actor-context.js';
import type { RequestContext } from './request-context.js';
import { acceptWebSocket, isUpgrade } from './websocket.js';

export interface FollowedLog<Row extends { id: string }> {
  /** Pub/sub channels whose messages are hints to re-read (their payload is not trusted). */
  channels: string[];
  ended(): Promise<boolean>;
  rowsAfter(after: number): Promise<Row[]>;
  /** The text frames for a batch of rows: one per row (job logs) or one array (agent logs). */
  frames(rows: Row[]): string[];
  /** Send the frames of an empty first read too (Coder's agent logs start with `[]`). */
  sendEmptyFirst?: boolean;
}

/** `?after=<id>`: the last id the client has, 0 for everything. */
export function afterParam(ctx: RequestContext): number {
  const after = Number(ctx.url.searchParams.get('after') ?? '0');
  if (!Number.isSafeInteger(after) || after < 0)
    throw InvalidInput.field('after', 'Must be a log id (a non-negative integer).');
  return after;
}

export function wantsFollow(ctx: RequestContext): boolean {
  return ctx.url.searchParams.has('follow') || isUpgrade(ctx);
}

export async function followLogs<Row extends { id: string }>(
  ctx: RequestContext,
  after: number,
  log: FollowedLog<Row>,
): Promise<void> {
  const { pubsub } = ctx.api;
  const actor = currentActor()!;
  let last = after;
  let ended = false;
  let first = true;
  const ws = await acceptWebSocket(ctx);
  // One reader at a time; hints that arrive meanwhile make it read once more.
  const reader = new Coalescer(async () => {
    if (ended) return;
    const over = await withActor(actor, () => log.ended());
    const rows = await withActor(actor, () => log.rowsAfter(last));
    if (rows.length > 0 || (first && log.sendEmptyFirst)) {
      for (const frame of log.frames(rows)) {
        if (ws.readyState !== ws.OPEN) return;
        ws.send(frame);
      }
    }
    first = false;
    if (rows.length > 0) last = Number(rows[rows.length - 1]!.id);
    if (over) ended = true;
  });
  const onHint = () => void reader.run().then(closeIfEnded, fail);
  const unsubscribes = await Promise.all(log.channels.map((c) => pubsub.subscribe(c, onHint, onHint)));
  function closeIfEnded() {
    if (ended && ws.readyState === ws.OPEN) ws.close(1000, 'end of logs');
  }
  function fail(err: unknown) {
    ctx.logger.error({ err }, 'log stream failed');
    ws.close(1011, 'internal error');
  }
  ws.on('close', () => void Promise.all(unsubscribes.map((u) => u())).catch(() => {}));
  ws.on('message', () => {}); // Clients have nothing to say; ignore rather than error.
  await reader.run().then(closeIfEnded, fail);
}
