import { Option } from 'commander';
import { intFlag } from '../flag-parsers.js';

/** Runs `fn` over `items` with at most `concurrency` at once; stops starting new ones once `signal` aborts. */
export async function runPool<T>(
  items: T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** `--concurrency`, bounded so a scale test cannot open unlimited requests at once. */
export function concurrencyOption(what: string, max: number, fallback: number): Option {
  return new Option('--concurrency <n>', `How many ${what} at once (1 to ${max}).`)
    .argParser(intFlag('--concurrency', 1, max))
    .default(fallback);
}
