import pg from 'pg';
import { InvalidInput, Unavailable } from '../../sdk/errors.js';
import type { Logger } from '../../sdk/logger.js';
import { describePgError, describeTarget } from './describe-pg-error.js';

/**
 * Small "something changed, re-read the database" hints between components and replicas (Coder's
 * pubsub, coder-behaviour.md §2.6). Delivery is best effort: onDropped says when messages may have
 * been lost, and the subscriber must then re-read what it watches.
 */
export interface Pubsub {
  publish(channel: string, message: string): Promise<void>;
  /** listener gets each message; onDropped is called when messages may have been lost (listener connection dropped and re-established) so the subscriber re-reads the database. Returns an unsubscribe function. */
  subscribe(
    channel: string,
    listener: (message: string) => void,
    onDropped?: () => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
  /** Undefined while messages are delivered; otherwise why not (the listener is reconnecting). */
  readonly unavailable?: string;
}

/** PostgreSQL rejects NOTIFY payloads of 8000 bytes or more. */
export const maxPayloadBytes = 7999;
/** Channel names are identifiers: PostgreSQL would silently truncate longer ones and mix channels up. */
export const maxChannelBytes = 63;

export function checkChannel(channel: string): void {
  const n = Buffer.byteLength(channel);
  if (n === 0 || n > maxChannelBytes) {
    throw InvalidInput.field(
      'channel',
      `A pub/sub channel name must be 1 to ${maxChannelBytes} bytes; got ${n}.`,
    );
  }
}

export function checkPayload(channel: string, message: string): void {
  const n = Buffer.byteLength(message);
  if (n > maxPayloadBytes) {
    throw new InvalidInput(
      `The pub/sub message on channel "${channel}" is ${n} bytes; the limit is ${maxPayloadBytes}.`,
      { detail: 'Publish a small hint (e.g. an id) and let subscribers read the data from the database.' },
    );
  }
}

export interface Subscriber {
  listener: (message: string) => void;
  onDropped: (() => void) | undefined;
}

/** Calls `fn` so that neither a throw nor a rejected promise reaches the caller: one bad subscriber must not stop others. */
export function callSafely(fn: () => unknown, logger: Logger, what: string): void {
  try {
    const r = fn() as { then?: unknown } | undefined;
    if (r && typeof r.then === 'function') {
      (r as Promise<unknown>).then(undefined, (err: unknown) => logger.error({ err }, what));
    }
  } catch (err) {
    logger.error({ err }, what);
  }
}

export interface PgPubsubOptions {
  url: string;
  /** Publishing goes through the pool; the pool stays owned by the caller. */
  pool: pg.Pool;
  logger: Logger;
}

const minBackoffMs = 100;
// A failed attempt against a database that is down costs one refused connection, so retry often:
// once it is back, wake-ups and events flow again within this bound (Coder's listener: up to 1 min).
const maxBackoffMs = 2_000;

/**
 * LISTEN/NOTIFY pub/sub: one dedicated listener connection per process (not from the pool), each
 * channel LISTENed once however many subscribers it has, reconnected with backoff when it drops.
 */
export class PgPubsub implements Pubsub {
  private readonly channels = new Map<string, { subs: Set<Subscriber>; listening: Promise<void> }>();
  private client: pg.Client | undefined;
  private closed = false;
  private reconnecting = false;
  private timer: NodeJS.Timeout | undefined;
  /** Clients that dropped or that we ended on purpose: their late 'end' events must not reconnect again. */
  private readonly retired = new WeakSet<pg.Client>();

  private constructor(private readonly opts: PgPubsubOptions) {}

  get unavailable(): string | undefined {
    if (this.closed) return 'the pub/sub is closed';
    return this.client ? undefined : 'the pub/sub listener connection to PostgreSQL is reconnecting';
  }

  static async create(opts: PgPubsubOptions): Promise<PgPubsub> {
    const ps = new PgPubsub(opts);
    try {
      ps.client = await ps.connect();
    } catch (err) {
      const target = describeTarget(opts.url);
      throw new Unavailable(
        `Cannot open the pub/sub listener connection to PostgreSQL at ${target.where}: ${describePgError(err, target)}`,
        { cause: err },
      );
    }
    return ps;
  }

  async publish(channel: string, message: string): Promise<void> {
    this.checkOpen();
    checkChannel(channel);
    checkPayload(channel, message);
    await this.opts.pool.query('SELECT pg_notify($1, $2)', [channel, message]);
  }

  async subscribe(
    channel: string,
    listener: (message: string) => void,
    onDropped?: () => void,
  ): Promise<() => Promise<void>> {
    this.checkOpen();
    checkChannel(channel);
    const sub: Subscriber = { listener, onDropped };
    let entry = this.channels.get(channel);
    if (!entry) {
      // While reconnecting there is no client; the reconnect LISTENs every channel in the map.
      const listening = this.client ? this.listen(this.client, channel) : Promise.resolve();
      entry = { subs: new Set(), listening };
      this.channels.set(channel, entry);
    }
    entry.subs.add(sub);
    try {
      await entry.listening;
    } catch (err) {
      entry.subs.delete(sub);
      if (entry.subs.size === 0 && this.channels.get(channel) === entry) this.channels.delete(channel);
      throw new Unavailable(`Cannot subscribe to pub/sub channel "${channel}".`, { cause: err });
    }
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      const current = this.channels.get(channel);
      if (!current?.subs.delete(sub) || current.subs.size > 0) return;
      this.channels.delete(channel);
      if (this.client && !this.closed) {
        await this.client.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => {});
      }
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.channels.clear();
    const client = this.client;
    this.client = undefined;
    if (client) this.retired.add(client);
    await client?.end().catch(() => {});
  }

  private checkOpen(): void {
    if (this.closed) throw new Unavailable('The pub/sub is closed.');
  }

  private listen(client: pg.Client, channel: string): Promise<void> {
    return client.query(`LISTEN ${pg.escapeIdentifier(channel)}`).then(() => undefined);
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.opts.url,
      application_name: 'hangar-pubsub',
      keepAlive: true,
    });
    const onLost = (err?: Error) => {
      if (this.retired.has(client)) return;
      this.retired.add(client);
      if (this.client === client) this.client = undefined;
      client.end().catch(() => {});
      if (this.closed) return;
      this.opts.logger.warn({ err: err?.message }, 'pub/sub listener connection lost; reconnecting');
      this.reconnect(minBackoffMs);
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (n) => this.deliver(n.channel, n.payload ?? ''));
    try {
      await client.connect();
    } catch (err) {
      this.retired.add(client); // no reconnect from here: the caller retries or gives up
      client.end().catch(() => {});
      throw err;
    }
    return client;
  }

  private reconnect(delay: number): void {
    if (this.reconnecting || this.closed) return;
    this.reconnecting = true;
    this.timer = setTimeout(async () => {
      try {
        const client = await this.connect();
        try {
          for (const channel of this.channels.keys()) await this.listen(client, channel);
          if (this.retired.has(client)) throw new Error('the new listener connection dropped at once');
        } catch (err) {
          this.retired.add(client);
          client.end().catch(() => {});
          throw err;
        }
        if (this.closed) {
          this.retired.add(client);
          await client.end().catch(() => {});
          return;
        }
        this.client = client;
        this.reconnecting = false;
        this.opts.logger.info({ channels: this.channels.size }, 'pub/sub listener reconnected');
        // Messages sent while we were away are gone: tell every subscriber to re-read.
        for (const entry of this.channels.values()) {
          for (const sub of [...entry.subs]) {
            if (sub.onDropped)
              callSafely(sub.onDropped, this.opts.logger, 'pub/sub onDropped callback failed');
          }
        }
      } catch (err) {
        this.reconnecting = false;
        const next = Math.min(delay * 2, maxBackoffMs);
        this.opts.logger.warn({ err: (err as Error).message, retryInMs: next }, 'pub/sub reconnect failed');
        this.reconnect(next);
      }
    }, delay);
  }

  private deliver(channel: string, message: string): void {
    const entry = this.channels.get(channel);
    if (!entry) return;
    for (const sub of [...entry.subs]) {
      callSafely(() => sub.listener(message), this.opts.logger, 'pub/sub listener failed');
    }
  }
}
