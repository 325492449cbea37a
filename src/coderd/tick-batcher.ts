/**
 * Writes queued items together (ADR 0077): every `intervalMs`, or as soon as `maxItems` wait,
 * one `write` of everything waiting, one write at a time. An item replaces a waiting one of the
 * same key (the newest value wins). What waits when the process dies is lost; `close` writes it.
 */
import type { Logger } from '../sdk/logger.js';

export interface TickBatcherTuning {
  /** How long an item may wait to be written. */
  intervalMs: number;
  /** Waiting items that trigger a write before the tick. */
  maxItems: number;
}

export interface TickBatcherOptions<T> extends TickBatcherTuning {
  key: (item: T) => string;
  write: (items: T[]) => Promise<void>;
  logger: Logger;
  /** What is written, for the log line of a failed write. */
  what: string;
}

export class TickBatcher<T> {
  private waiting = new Map<string, T>();
  private flushing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly opts: TickBatcherOptions<T>) {
    this.timer = setInterval(() => void this.flush(), opts.intervalMs);
    this.timer.unref();
  }

  add(items: T[]): void {
    for (const item of items) this.waiting.set(this.opts.key(item), item);
    if (this.waiting.size >= this.opts.maxItems) void this.flush();
  }

  /** Writes what is waiting (after any write in progress); never rejects. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.waiting.size === 0) return;
      const items = [...this.waiting.values()];
      this.waiting = new Map();
      // The items are reports their senders repeat on their interval: a failed write is logged, not retried.
      await this.opts
        .write(items)
        .catch((err: unknown) =>
          this.opts.logger.warn({ err, items: items.length }, `writing a batch of ${this.opts.what} failed`),
        );
    });
    return this.flushing;
  }

  /** Stops the tick and writes what is waiting (server shutdown). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
