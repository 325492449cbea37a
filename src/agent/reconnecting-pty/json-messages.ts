/**
 * Splits a byte stream of concatenated JSON objects (`{"data":"ls\r"}{"height":40,"width":120}`)
 * into objects. coderd copies the browser's WebSocket messages onto the agent stream without
 * framing, as Coder's agent reads them with a streaming JSON decoder. Whitespace between objects
 * is allowed; anything else is an error, and one message may not exceed `maxBytes`.
 */
import { Buffer } from 'node:buffer';

export class JsonMessageSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(
    private readonly onMessage: (message: unknown) => void,
    private readonly maxBytes = 1 << 20,
  ) {}

  /** Feeds bytes; throws on malformed input (the caller ends the stream). */
  push(chunk: Buffer): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.depth === 0) {
        // Between objects: only whitespace, or the start of the next object.
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
          start = i + 1;
          continue;
        }
        if (c !== 0x7b) throw new Error('the terminal stream carried something other than JSON objects');
        start = i;
        this.depth = 1;
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
        continue;
      }
      if (c === 0x22) this.inString = true;
      else if (c === 0x7b || c === 0x5b) this.depth++;
      else if (c === 0x7d || c === 0x5d) {
        this.depth--;
        if (this.depth === 0) {
          this.emit(chunk.subarray(start, i + 1));
          start = i + 1;
        }
      }
    }
    if (this.depth > 0) this.keep(chunk.subarray(start));
  }

  private keep(part: Buffer): void {
    this.pendingBytes += part.length;
    if (this.pendingBytes > this.maxBytes)
      throw new Error(`a terminal message is larger than ${this.maxBytes} bytes`);
    this.pending.push(part);
  }

  private emit(last: Buffer): void {
    const whole = this.pending.length ? Buffer.concat([...this.pending, last]) : last;
    this.pending = [];
    this.pendingBytes = 0;
    this.onMessage(JSON.parse(whole.toString('utf8')));
  }
}
