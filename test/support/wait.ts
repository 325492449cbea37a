/** Polling until a condition holds: the one loop the tests' `eventually`/`until` helpers share. */
import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions {
  /** Give up after this long (default 60 s). */
  ms?: number;
  /** Between tries (default 200 ms). */
  intervalMs?: number;
  /** A try that throws counts as "not yet" instead of failing the wait. */
  retryErrors?: boolean;
}

/**
 * Calls `fn` until it returns something other than undefined or false, and returns that; fails
 * after `ms` with an error naming `what`.
 */
export async function pollUntil<T>(
  what: string,
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  { ms = 60_000, intervalMs = 200, retryErrors = false }: PollOptions = {},
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await (retryErrors
      ? Promise.resolve()
          .then(fn)
          .catch(() => undefined)
      : fn());
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Polls `fn` until it returns a value (not undefined), or fails after `ms` naming `what`. */
export function waitForValue<T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  return pollUntil(what, fn, { ms });
}
