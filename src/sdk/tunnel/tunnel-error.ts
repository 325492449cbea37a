/**
 * Why a tunnel stream failed. `reset`: the peer reset the stream (a failed dial arrives this way,
 * with the acceptor's reason, e.g. "connection refused on 127.0.0.1:8080"); `closed`: the tunnel
 * connection went away; `protocol`: a peer broke the frame protocol; `limit`: too many streams.
 * An `Unavailable` so the HTTP edge answers 503 unless it picks a better status (a relay answers
 * 502 for `reset` on open).
 */
import { Unavailable } from '../errors.js';

export type TunnelErrorKind = 'reset' | 'closed' | 'protocol' | 'limit';

export class TunnelError extends Unavailable {
  constructor(
    readonly kind: TunnelErrorKind,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}
