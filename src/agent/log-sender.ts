/**
 * Sends the agent's log lines to coderd (Coder's agentsdk.LogSender): lines queue per log source
 * and go out in batches (`PATCH /workspaceagents/me/logs`) shortly after they arrive, in order.
 * A failed send is retried with backoff; once coderd reports the agent's log cap reached (413),
 * everything further is dropped, as the server would refuse it. Queued bytes are bounded so an
 * unreachable coderd cannot make the agent grow without limit.
 */
import { StringDecoder } from 'node:string_decoder';
import type { AgentClient } from '../sdk/agent-client.js';
import { HangarError } from '../sdk/errors.js';
import type { Logger } from '../sdk/logger.js';
import type { LogLevel } from '../sdk/provisioner-jobs.js';
import { Coalescer } from '../sdk/coalesce.js';
import { sleep } from '../sdk/sleep.js';
import { agentLogOutputMaxChars, agentLogsMaxBytes } from '../sdk/workspace-agents.js';

interface QueuedLog {
  created_at: string;
  output: string;
  level: LogLevel;
}

export interface LogSenderOptions {
  /** Wait this long after a line for more before sending (coalesces bursts). */
  batchDelayMs?: number;
  maxBackoffMs?: number;
}

/** Lines per request; a request also stays well under coderd's body limit. */
const maxBatchLines = 1000;
/** Beyond this much queued the server would refuse the lines anyway (its cap is 1 MiB). */
const maxQueuedBytes = 4 * agentLogsMaxBytes;

export class AgentLogSender {
  private readonly queues = new Map<string, QueuedLog[]>();
  private queuedBytes = 0;
  private overflowed = false;
  private droppedWarned = false;
  private readonly sender = new Coalescer(() => this.sendAll());
  private timer: NodeJS.Timeout | undefined;
  private readonly closing = new AbortController();

  constructor(
    private readonly client: AgentClient,
    private readonly logger: Logger,
    private readonly opts: LogSenderOptions = {},
  ) {}

  /** Queues one line (split when longer than a stored line may be). */
  enqueue(sourceId: string, level: LogLevel, output: string, at = new Date()): void {
    if (this.overflowed) return;
    const created_at = at.toISOString();
    const queue = this.queues.get(sourceId) ?? [];
    this.queues.set(sourceId, queue);
    for (let i = 0; i === 0 || i < output.length; i += agentLogOutputMaxChars) {
      const part = output.slice(i, i + agentLogOutputMaxChars);
      if (this.queuedBytes > maxQueuedBytes) {
        if (!this.droppedWarned)
          this.logger.warn('too many agent logs are waiting for coderd; dropping lines');
        this.droppedWarned = true;
        return;
      }
      this.queuedBytes += Buffer.byteLength(part);
      queue.push({ created_at, output: part, level });
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.sender.run();
    }, this.opts.batchDelayMs ?? 50);
  }

  /** Resolves once every line queued before the call was sent (or dropped), or after `timeoutMs`. */
  async flush(timeoutMs = 10_000): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.sender.runWithin(timeoutMs);
  }

  /** A last flush, then stops retrying. */
  async close(timeoutMs = 5_000): Promise<void> {
    await this.flush(timeoutMs);
    this.closing.abort();
  }

  private async sendAll(): Promise<void> {
    let attempt = 0;
    for (;;) {
      const next = [...this.queues.entries()].find(([, q]) => q.length > 0);
      if (!next || this.closing.signal.aborted) return;
      const [sourceId, queue] = next;
      const batch = queue.slice(0, maxBatchLines);
      try {
        await this.client.patchLogs({ log_source_id: sourceId, logs: batch });
        attempt = 0;
      } catch (err) {
        const code = err instanceof HangarError ? err.code : undefined;
        if (code === 'payload_too_large') {
          this.logger.warn('the agent reached its log limit on coderd; further lines are dropped');
          this.overflowed = true;
          this.queues.clear();
          this.queuedBytes = 0;
          return;
        }
        if (code === 'invalid_input') {
          // The source belongs to a build that replaced this one; retrying cannot help.
          this.logger.warn({ err: (err as Error).message, sourceId }, 'coderd refused agent log lines');
        } else {
          attempt++;
          this.logger.debug({ err: (err as Error).message, attempt }, 'sending agent logs failed; retrying');
          await sleep(Math.min(this.opts.maxBackoffMs ?? 5_000, 100 * 2 ** attempt), this.closing.signal);
          continue;
        }
      }
      queue.splice(0, batch.length);
      this.queuedBytes -= batch.reduce((n, l) => n + Buffer.byteLength(l.output), 0);
    }
  }
}

/**
 * Turns a byte stream into lines (without `\n` or a trailing `\r`), decoding UTF-8 across chunk
 * boundaries; `end()` emits a last line that had no newline.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    const lines = (this.partial + this.decoder.write(chunk)).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(line.replace(/\r$/, ''));
  }

  end(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest) this.onLine(rest.replace(/\r$/, ''));
  }
}
