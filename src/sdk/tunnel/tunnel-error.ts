/**
 * Why a tunnel stream failed. `reset`: the peer reset the stream (a failed dial arrives this way,
 * with the acceptor's reason, e.g. "connection refused on 127.0.0.1:8080"); `closed`: the tunnel
 * connection went away; `protocol`: a peer broke the frame protocol; `limit`: too many streams.
 * An `Unavailable` so the HTTP edge answers 503 unless it picks a better status (a relay answers
 * 502 for `reset` on open).
 */
import { Unavailable, type ErrorResponse } from '../errors.js';

export type TunnelErrorKind = 'reset' | 'closed' | 'protocol' | 'limit';

export interface TunnelErrorOptions {
  cause?: unknown;
  /** A refused raw Upgrade: the HTTP status and body the server answered instead of 101. */
  refusal?: { status: number; body: ErrorResponse };
}

export class TunnelError extends Unavailable {
  readonly refusal: TunnelErrorOptions['refusal'];

  constructor(
    readonly kind: TunnelErrorKind,
    message: string,
    options: TunnelErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.refusal = options.refusal;
  }
}
