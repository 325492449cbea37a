/**
 * Traffic at a set rate over one echoing connection (an SSH `cat`, a web terminal running `cat`):
 * every tick writes `bytesPerTick` bytes, and a tick's round trip ends when all of its bytes have
 * come back. Bytes are printable ASCII so a terminal passes them through unchanged.
 */
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Metric } from './metrics.js';

export interface EchoConnection {
  write(data: Buffer): void;
  /** Calls `fn` with every chunk that comes back. */
  onData(fn: (chunk: Buffer) => void): void;
  close(): void;
}

export interface TrafficRate {
  bytesPerTick: number;
  ticksPerSecond: number;
  durationMs: number;
}

/** How long bytes still on their way back are waited for once the ticking stops. */
const drainMs = 5_000;

export function randomPrintable(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = 0x21 + randomInt(94);
  return b;
}

/** Runs the ticks on `conn`: each round trip, and the bytes that came back, go to `roundTrip`. */
export async function runEchoTraffic(
  conn: EchoConnection,
  rate: TrafficRate,
  roundTrip: Metric,
): Promise<void> {
  let received = 0;
  let sent = 0;
  const waiting: { upTo: number; at: number }[] = [];
  let drained: (() => void) | undefined;
  conn.onData((chunk) => {
    received += chunk.length;
    roundTrip.addBytes(chunk.length);
    const now = performance.now();
    while (waiting.length && waiting[0]!.upTo <= received) roundTrip.add(now - waiting.shift()!.at);
    if (!waiting.length) drained?.();
  });
  const interval = 1000 / rate.ticksPerSecond;
  const until = performance.now() + rate.durationMs;
  for (let next = performance.now(); next < until; next += interval) {
    await sleep(Math.max(0, next - performance.now()));
    const data = randomPrintable(rate.bytesPerTick);
    sent += data.length;
    waiting.push({ upTo: sent, at: performance.now() });
    conn.write(data);
  }
  if (waiting.length) await Promise.race([new Promise<void>((r) => (drained = r)), sleep(drainMs)]);
  for (let i = 0; i < waiting.length; i++)
    roundTrip.fail(new Error(`${sent - received} bytes not echoed within ${drainMs / 1000} s`));
  conn.close();
}
