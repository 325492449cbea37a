/**
 * What every scale-test command measures and prints: per operation, how many ran, how many
 * failed (with the first error), and latency percentiles (nearest rank) in milliseconds.
 */
import { OutputFormatter, type Column } from '../ui/output.js';

export interface MetricSummary {
  metric: string;
  count: number;
  errors: number;
  p50_ms: number | null;
  p90_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  /** Bytes moved, for traffic metrics. */
  bytes?: number;
  first_error?: string;
}

/** The nearest-rank percentile of ascending `sorted` (null when empty). */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export class Metric {
  private readonly samples: number[] = [];
  private errors = 0;
  private bytes: number | undefined;
  private firstError: string | undefined;

  constructor(readonly name: string) {}

  /** Runs `fn`, recording its duration, or its failure (rethrown). */
  async time<T>(fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const value = await fn();
      this.add(performance.now() - started);
      return value;
    } catch (err) {
      this.fail(err);
      throw err;
    }
  }

  add(ms: number): void {
    this.samples.push(ms);
  }

  /** Counts bytes moved (traffic), without a latency sample. */
  addBytes(n: number): void {
    this.bytes = (this.bytes ?? 0) + n;
  }

  fail(err: unknown): void {
    this.errors++;
    this.firstError ??= err instanceof Error ? err.message : String(err);
  }

  get failed(): boolean {
    return this.errors > 0;
  }

  summary(): MetricSummary {
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = (p: number) => {
      const v = percentile(sorted, p);
      return v === null ? null : Math.round(v * 10) / 10;
    };
    return {
      metric: this.name,
      count: sorted.length + this.errors,
      errors: this.errors,
      p50_ms: at(50),
      p90_ms: at(90),
      p95_ms: at(95),
      p99_ms: at(99),
      max_ms: at(100),
      ...(this.bytes !== undefined ? { bytes: this.bytes } : {}),
      ...(this.firstError ? { first_error: this.firstError } : {}),
    };
  }
}

const ms = (v: number | null) => (v === null ? '-' : v.toFixed(1));

const columns: Column<MetricSummary>[] = [
  { name: 'metric', value: (m) => m.metric, default: true },
  { name: 'count', value: (m) => String(m.count), default: true },
  { name: 'errors', value: (m) => String(m.errors), default: true },
  { name: 'p50 ms', value: (m) => ms(m.p50_ms), default: true },
  { name: 'p90 ms', value: (m) => ms(m.p90_ms) },
  { name: 'p95 ms', value: (m) => ms(m.p95_ms), default: true },
  { name: 'p99 ms', value: (m) => ms(m.p99_ms), default: true },
  { name: 'max ms', value: (m) => ms(m.max_ms), default: true },
  { name: 'bytes', value: (m) => (m.bytes === undefined ? '' : String(m.bytes)), default: true },
  { name: 'first error', value: (m) => m.first_error ?? '', default: true },
];

export const metricsOutput = new OutputFormatter<MetricSummary>({ columns, empty: 'Nothing was measured.' });
