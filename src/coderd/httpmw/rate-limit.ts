/**
 * A fixed-window limiter per key (client IP or user), in process memory. Good enough for login
 * brute-force protection on each replica; the window resets every `windowMs`.
 */
import { TooManyRequests } from '../../sdk/errors.js';
import type { Middleware, RequestContext } from '../request-context.js';

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts a hit; returns the seconds to wait when over the limit, else 0. */
  hit(key: string, now = Date.now()): number {
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
      if (this.windows.size > 10_000) this.prune(now);
    }
    w.count++;
    return w.count > this.limit ? Math.ceil((w.start + this.windowMs - now) / 1000) : 0;
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}

export function rateLimit(limiter: RateLimiter, keyOf: (ctx: RequestContext) => string): Middleware {
  return async (ctx, next) => {
    const wait = limiter.hit(keyOf(ctx));
    if (wait > 0) {
      throw new TooManyRequests('Too many requests; slow down and try again shortly.', {
        headers: { 'Retry-After': String(wait) },
      });
    }
    await next();
  };
}

export const byIp = (ctx: RequestContext): string => ctx.req.socket.remoteAddress ?? 'unknown';
