/**
 * Agent metadata (Coder's agent reportMetadata): every item's script runs on its own interval
 * (seconds; 0 = once), with its timeout (0: the interval, else 5 s), never twice at once; results
 * are reported together once a second (`POST /workspaceagents/me/metadata`), only the newest value
 * per key. A value is the script's combined output, capped at 10 KiB; a failure or timeout is the
 * item's `error`, alongside whatever output there was.
 */
import type { AgentClient } from '../sdk/agent-client.js';
import type { PostMetadataRequest } from '../sdk/agent-api.js';
import type { Logger } from '../sdk/logger.js';
import type { WorkspaceAgentMetadataDescription } from '../sdk/workspaces.js';
import { signalGroup, spawnShell, type ShellProcessOptions } from './shell-process.js';

type MetadataItem = PostMetadataRequest['metadata'][number];

export interface MetadataReporterOptions {
  client: AgentClient;
  logger: Logger;
  shell: string;
  env: () => Record<string, string>;
  workingDir: () => Promise<string>;
  /** How often due items are collected and results sent (Coder: 1 s). */
  reportIntervalMs?: number;
  /** Produces an item's value instead of running its script (simulated agents in scale tests). */
  collect?: (item: WorkspaceAgentMetadataDescription) => Promise<{ value: string; error: string }>;
}

const outputLimit = 10 << 10;

/** Runs one metadata script: its output, and an error when it failed or timed out. */
export function collectMetadata(
  opts: ShellProcessOptions,
  timeoutMs: number,
): Promise<{ value: string; error: string }> {
  return new Promise((resolve) => {
    const child = spawnShell(opts);
    const chunks: Buffer[] = [];
    let size = 0;
    let timedOut = false;
    const take = (d: Buffer) => {
      size += d.length;
      if (size <= outputLimit * 2) chunks.push(d);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup(child, 'SIGKILL');
    }, timeoutMs);
    const done = (error: string) => {
      clearTimeout(timer);
      let value = Buffer.concat(chunks);
      const errors = [error];
      if (value.length > outputLimit) {
        errors.push(`output truncated from ${size} to ${outputLimit} bytes`);
        value = value.subarray(0, outputLimit);
      }
      if (timedOut) errors.push(`timed out after ${timeoutMs / 1000}s`);
      resolve({ value: value.toString('utf8'), error: errors.filter(Boolean).join('; ') });
    };
    child.on('error', (err) => done(`start cmd: ${err.message}`));
    child.on('close', (code, signal) =>
      done(code === 0 ? '' : `run cmd: ${signal ? `signal: ${signal}` : `exit status ${code}`}`),
    );
  });
}

export class MetadataReporter {
  private items: WorkspaceAgentMetadataDescription[] = [];
  private readonly lastCollected = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  private readonly pending = new Map<string, MetadataItem>();
  private reporting = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: MetadataReporterOptions) {}

  /** The items of the current manifest; values of removed keys are forgotten. */
  update(items: WorkspaceAgentMetadataDescription[]): void {
    this.items = items;
    const keys = new Set(items.map((i) => i.key));
    for (const key of this.lastCollected.keys()) if (!keys.has(key)) this.lastCollected.delete(key);
  }

  start(): void {
    if (this.timer) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.opts.reportIntervalMs ?? 1_000);
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    this.report();
    const now = Date.now();
    for (const item of this.items) {
      const last = this.lastCollected.get(item.key);
      if (this.inFlight.has(item.key)) continue;
      if (last !== undefined && (item.interval === 0 || now - last < item.interval * 1000)) continue;
      this.inFlight.add(item.key);
      this.lastCollected.set(item.key, now);
      void this.collect(item).finally(() => this.inFlight.delete(item.key));
    }
  }

  private async collect(item: WorkspaceAgentMetadataDescription): Promise<void> {
    const timeoutS = item.timeout || item.interval || 5;
    const collectedAt = new Date();
    const result = this.opts.collect
      ? await this.opts.collect(item)
      : await collectMetadata(
          {
            shell: this.opts.shell,
            script: item.script,
            env: this.opts.env(),
            cwd: await this.opts.workingDir(),
          },
          timeoutS * 1000,
        );
    if (!this.timer) return;
    this.pending.set(item.key, { key: item.key, collected_at: collectedAt.toISOString(), age: 0, ...result });
  }

  /** Sends the newest result of every key collected since the last report (one report at a time). */
  private report(): void {
    if (this.reporting || this.pending.size === 0) return;
    const metadata = [...this.pending.values()];
    this.pending.clear();
    this.reporting = true;
    this.opts.client
      .postMetadata({ metadata })
      .catch((err: unknown) => {
        this.opts.logger.debug({ err: (err as Error).message }, 'reporting metadata failed');
        // Keep them for the next report unless a newer value came meanwhile.
        for (const m of metadata) if (!this.pending.has(m.key)) this.pending.set(m.key, m);
      })
      .finally(() => (this.reporting = false));
  }
}
