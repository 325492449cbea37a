/**
 * One web-terminal session (Coder's agent/reconnectingpty, buffered backend): a process on a
 * pseudo-terminal that outlives its clients. Any number of clients may be attached; each gets the
 * buffered recent output first, then live output, and its input and resizes go to the terminal.
 * When the last client leaves a timer starts; if nobody reattaches before it fires, the process
 * is hung up. When the process exits, every client's stream ends.
 */
import type { Duplex } from 'node:stream';
import type { Logger } from '../../sdk/logger.js';
import type { Pty } from '../pty.js';
import { JsonMessageSplitter } from './json-messages.js';
import { RingBuffer } from './ring-buffer.js';

/** A client message, as Coder's `ReconnectingPTYRequest`. */
interface TerminalRequest {
  data?: unknown;
  height?: unknown;
  width?: unknown;
}

export interface ReconnectingPtyOptions {
  /** How long the session lives with no client attached. */
  timeoutMs: number;
  bufferBytes: number;
  logger: Logger;
  /** Called once when the session ends (process exit or timeout). */
  onEnd: () => void;
}

const dimension = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 0xffff ? v : undefined;

export class ReconnectingPty {
  private readonly clients = new Set<Duplex>();
  /** Clients whose stream is full: the terminal is paused until they have all drained. */
  private readonly blocked = new Set<Duplex>();
  private readonly buffer: RingBuffer;
  private timer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    readonly id: string,
    private readonly proc: Pty,
    private readonly opts: ReconnectingPtyOptions,
  ) {
    this.buffer = new RingBuffer(opts.bufferBytes);
    proc.onData((d) => this.output(d));
    proc.onExit(() => this.end('the terminal process exited'));
    this.armTimer();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Attaches a client: replays the buffer, then streams; resizes the terminal to the client's. */
  attach(stream: Duplex, cols: number, rows: number): void {
    if (this.ended) {
      stream.end();
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.resize(cols, rows);
    const replay = this.buffer.snapshot();
    // Replay and subscription happen in one turn, so no output falls between them.
    if (replay.length) this.send(stream, replay);
    this.clients.add(stream);
    const splitter = new JsonMessageSplitter((m) => this.onRequest(m as TerminalRequest));
    stream.on('data', (chunk: Buffer) => {
      try {
        splitter.push(chunk);
      } catch (err) {
        this.opts.logger.debug({ err: (err as Error).message, id: this.id }, 'bad terminal input');
        stream.destroy(err as Error);
      }
    });
    // The client finished sending (it went away): end our side too; the session stays.
    stream.on('end', () => stream.end());
    stream.on('error', () => {});
    stream.on('close', () => this.detach(stream));
  }

  /** Hangs up the process (agent shutdown or timeout); clients' streams end. */
  close(): void {
    if (this.ended) return;
    try {
      this.proc.kill('SIGHUP');
    } catch {
      // Already gone.
    }
    this.end('the terminal session was closed');
  }

  private onRequest(req: TerminalRequest): void {
    if (typeof req.data === 'string' && req.data.length) this.proc.write(req.data);
    const cols = dimension(req.width);
    const rows = dimension(req.height);
    if (cols && rows) this.resize(cols, rows);
  }

  private resize(cols: number, rows: number): void {
    try {
      this.proc.resize(cols, rows);
    } catch {
      // The process may have just exited; its exit ends the session.
    }
  }

  private output(data: Buffer): void {
    this.buffer.write(data);
    for (const c of this.clients) this.send(c, data);
  }

  private send(stream: Duplex, data: Buffer): void {
    if (stream.write(data) || this.blocked.has(stream)) return;
    // Backpressure: a slow client holds the terminal rather than growing memory without bound.
    this.blocked.add(stream);
    if (this.blocked.size === 1) this.proc.pause();
    const release = () => {
      stream.off('drain', release);
      stream.off('close', release);
      this.blocked.delete(stream);
      if (this.blocked.size === 0 && !this.ended) this.proc.resume();
    };
    stream.on('drain', release);
    stream.on('close', release);
  }

  private detach(stream: Duplex): void {
    if (!this.clients.delete(stream)) return;
    if (this.clients.size === 0) this.armTimer();
  }

  private armTimer(): void {
    if (this.ended || this.clients.size > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.opts.logger.debug({ id: this.id }, 'terminal session timed out with no client attached');
      this.close();
    }, this.opts.timeoutMs);
    this.timer.unref();
  }

  private end(why: string): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    this.opts.logger.debug({ id: this.id, why }, 'terminal session ended');
    for (const c of this.clients) c.end();
    this.clients.clear();
    this.opts.onEnd();
  }
}
