/** Polls `fn` until it returns a value (not undefined), or fails after `ms` naming `what`. */
import { setTimeout as sleep } from 'node:timers/promises';

export async function waitForValue<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  ms = 60_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}
