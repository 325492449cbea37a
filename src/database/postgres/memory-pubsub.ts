import { Unavailable } from '../../sdk/errors.js';
import { nopLogger } from '../../sdk/logger.js';
import type { Logger } from '../../sdk/logger.js';
import { callSafely, checkChannel, checkPayload } from './pubsub.js';
import type { Pubsub, Subscriber } from './pubsub.js';

/**
 * In-process pub/sub with the same contract as PgPubsub (same limits and errors), for unit tests and
 * single-process tools. It never drops messages, so onDropped is never called.
 */
export class MemoryPubsub implements Pubsub {
  private readonly channels = new Map<string, Set<Subscriber>>();
  private closed = false;

  constructor(private readonly logger: Logger = nopLogger) {}

  async publish(channel: string, message: string): Promise<void> {
    this.checkOpen();
    checkChannel(channel);
    checkPayload(channel, message);
    for (const sub of [...(this.channels.get(channel) ?? [])]) {
      callSafely(() => sub.listener(message), this.logger, 'pub/sub listener failed');
    }
  }

  async subscribe(
    channel: string,
    listener: (message: string) => void,
    onDropped?: () => void,
  ): Promise<() => Promise<void>> {
    this.checkOpen();
    checkChannel(channel);
    const sub: Subscriber = { listener, onDropped };
    let subs = this.channels.get(channel);
    if (!subs) this.channels.set(channel, (subs = new Set()));
    subs.add(sub);
    return async () => {
      const current = this.channels.get(channel);
      if (current?.delete(sub) && current.size === 0) this.channels.delete(channel);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.channels.clear();
  }

  private checkOpen(): void {
    if (this.closed) throw new Unavailable('The pub/sub is closed.');
  }
}
