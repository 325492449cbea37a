/**
 * Joins two byte streams, the way coderd joins a client leg to a mux stream and the agent joins
 * a mux stream to its target socket. Data flows both ways with backpressure (`pipe`); an end on
 * one side ends the other's writable side only, so TCP half-close survives; an error or an abrupt
 * close on either side destroys the other with that error.
 */
import type { Duplex } from 'node:stream';

/** Resolves when both streams have closed: with undefined after a clean finish, else the first error. */
export function spliceStreams(a: Duplex, b: Duplex): Promise<Error | undefined> {
  let failure: Error | undefined;
  let open = 2;
  return new Promise((resolve) => {
    const wire = (from: Duplex, to: Duplex) => {
      from.pipe(to);
      from.on('error', (err: Error) => {
        failure ??= err;
        to.destroy(err);
      });
      from.on('close', () => {
        // Closed before both directions finished: the other side cannot finish either.
        if (!(from.readableEnded && from.writableFinished) && !to.destroyed) {
          failure ??= new Error('the other side of the stream closed');
          to.destroy(failure);
        }
        if (--open === 0) resolve(failure);
      });
    };
    wire(a, b);
    wire(b, a);
  });
}
