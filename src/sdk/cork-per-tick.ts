/**
 * Makes the writes one turn of the event loop makes to a stream leave together: the first write
 * corks it and the next tick uncorks, so a socket gets one `writev` and a custom stream one
 * `_writev` instead of a syscall (or a frame) per piece. Protocols that write a message in pieces
 * pay for each piece otherwise: SSH writes a packet's length, body and MAC separately.
 */
import type { Writable } from 'node:stream';

export function corkPerTick<T extends Writable>(stream: T): T {
  const write = stream.write;
  let corked = false;
  stream.write = function (this: T, ...args: unknown[]): boolean {
    if (!corked && !stream.writableEnded) {
      corked = true;
      stream.cork();
      process.nextTick(() => {
        corked = false;
        stream.uncork();
      });
    }
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as T['write'];
  return stream;
}
