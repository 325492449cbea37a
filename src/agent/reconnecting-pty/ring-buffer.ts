/**
 * The last `capacity` bytes a terminal wrote, replayed to a client that reattaches (Coder's
 * buffered backend keeps 64 KiB the same way). Older bytes are overwritten.
 */
import { Buffer } from 'node:buffer';

export class RingBuffer {
  private readonly buf: Buffer;
  /** Where the next byte goes. */
  private end = 0;
  private full = false;

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new Error('a ring buffer needs a positive capacity');
    this.buf = Buffer.alloc(capacity);
  }

  get length(): number {
    return this.full ? this.capacity : this.end;
  }

  write(data: Buffer): void {
    if (data.length >= this.capacity) {
      data.copy(this.buf, 0, data.length - this.capacity);
      this.end = 0;
      this.full = true;
      return;
    }
    const first = Math.min(data.length, this.capacity - this.end);
    data.copy(this.buf, this.end, 0, first);
    if (first < data.length) data.copy(this.buf, 0, first);
    const next = this.end + data.length;
    if (next >= this.capacity) this.full = true;
    this.end = next % this.capacity;
  }

  /** The buffered bytes, oldest first (a copy). */
  snapshot(): Buffer {
    if (!this.full) return Buffer.from(this.buf.subarray(0, this.end));
    return Buffer.concat([this.buf.subarray(this.end), this.buf.subarray(0, this.end)]);
  }
}
