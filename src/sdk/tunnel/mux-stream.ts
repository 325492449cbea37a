/**
 * One multiplexed stream: a Node `Duplex` (half-open allowed) over the mux's frames.
 *
 * - Writing: DATA frames, at most `window` bytes ahead of the peer's CREDIT. A write larger than
 *   the remaining credit is split and its callback waits for credit (backpressure to the writer).
 * - Reading: DATA is pushed into the readable buffer; credit goes back only for bytes the
 *   consumer has taken (received − buffered), in steps of ≥ 64 KiB, or ≥ 16 KiB once the buffer
 *   is empty. A stalled consumer therefore holds at most one window per stream.
 * - `end()` sends FIN, a FIN from the peer ends the readable side. `destroy()` sends RST; an RST
 *   from the peer or a dropped connection destroys the stream with a `TunnelError`.
 */
import type { Buffer } from 'node:buffer';
import { Duplex } from 'node:stream';
import {
  FrameType,
  encodeCredit,
  encodeData,
  encodeEmpty,
  encodeText,
  maxDataPayload,
  maxReasonBytes,
} from './frames.js';
import { corkPerTick } from '../cork-per-tick.js';
import { TunnelError } from './tunnel-error.js';

const creditStep = 64 * 1024;
const creditStepIdle = 16 * 1024;

/** What a stream needs from its mux. */
export interface StreamHost {
  readonly window: number;
  /** Queues a frame on the WebSocket. */
  send(frame: Buffer): void;
  /** Runs `cb` now, or once the WebSocket's send buffer has drained below its high-water mark. */
  whenWritable(cb: () => void): void;
  forget(id: number): void;
}

interface PendingWrite {
  chunks: Buffer[];
  /** Offset into chunks[0] */
  offset: number;
  remaining: number;
  cb: (err?: Error | null) => void;
}

export class MuxStream extends Duplex {
  /** Settles when the acceptor has dialed the target (OPEN_OK), or rejects with its reason. */
  readonly accepted: Promise<void>;
  private settleAccepted!: (err?: TunnelError) => void;
  private isAccepted = false;
  private sendWindow: number;
  private recvWindow: number;
  private received = 0;
  private credited = 0;
  private pending: PendingWrite | undefined;
  private finSent = false;
  private finReceived = false;
  /** An RST went out or came in: nothing more is sent for this stream. */
  private reset = false;

  constructor(
    readonly id: number,
    readonly target: string,
    private readonly host: StreamHost,
  ) {
    super({ allowHalfOpen: true, readableHighWaterMark: 64 * 1024, writableHighWaterMark: 64 * 1024 });
    // SSH writes each packet in pieces (length, body, MAC): one DATA frame for all of a tick's
    // writes saves a WebSocket frame, a mask and a syscall per piece on every hop.
    corkPerTick(this);
    this.sendWindow = host.window;
    this.recvWindow = host.window;
    this.accepted = new Promise<void>((resolve, reject) => {
      this.settleAccepted = (err) => (err ? reject(err) : resolve());
    });
    // Nobody has to await `accepted`; the stream's 'error' carries the same failure.
    this.accepted.catch(() => {});
  }

  /** Acceptor side: tells the initiator the target is connected (the mux calls this itself once the open handler resolves). */
  accept(): void {
    if (this.isAccepted || this.reset || this.destroyed) return;
    this.isAccepted = true;
    this.host.send(encodeEmpty(FrameType.openOk, this.id));
    this.settleAccepted();
  }

  /** Acceptor side: refuses the stream; the initiator's stream fails with `reason`. */
  reject(reason: string): void {
    if (this.reset || this.destroyed) return;
    this.sendReset(reason);
    this.destroy();
  }

  // --- frames from the peer (called by the mux) ---

  onOpenOk(): void {
    this.isAccepted = true;
    this.settleAccepted();
  }

  /** Returns a protocol problem, or undefined. */
  onData(payload: Buffer): string | undefined {
    if (this.finReceived) return `DATA after FIN on stream ${this.id}`;
    if (payload.length > this.recvWindow) return `stream ${this.id} overran its flow-control window`;
    this.recvWindow -= payload.length;
    this.received += payload.length;
    if (this.destroyed) return undefined;
    this.push(payload);
    this.maybeCredit();
    return undefined;
  }

  onCredit(increment: number): string | undefined {
    this.sendWindow += increment;
    if (this.sendWindow > this.host.window)
      return `stream ${this.id} was granted more credit than its window`;
    this.pump();
    return undefined;
  }

  onFin(): string | undefined {
    if (this.finReceived) return `second FIN on stream ${this.id}`;
    this.finReceived = true;
    this.push(null);
    return undefined;
  }

  onReset(reason: string): void {
    this.reset = true;
    this.fail(new TunnelError('reset', reason || 'the stream was reset by the peer'));
  }

  /** The connection is gone (or the mux was closed): fail without sending anything. */
  fail(err: TunnelError): void {
    this.reset = true;
    this.settleAccepted(err);
    this.destroy(err);
  }

  // --- Duplex implementation ---

  override _read(): void {
    this.maybeCredit();
  }

  /**
   * Every consumer takes data through read() (flowing mode calls it too). Node calls _read only
   * once per push, so a paused-mode reader (`for await`) that empties the buffer without a push
   * in between would never return credit through _read alone: the window would stay shut.
   */
  override read(size?: number): unknown {
    const chunk: unknown = super.read(size);
    this.maybeCredit();
    return chunk;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.pending = { chunks: [chunk], offset: 0, remaining: chunk.length, cb };
    this.pump();
  }

  override _writev(chunks: { chunk: Buffer }[], cb: (err?: Error | null) => void): void {
    const list = chunks.map((c) => c.chunk);
    this.pending = { chunks: list, offset: 0, remaining: list.reduce((n, c) => n + c.length, 0), cb };
    this.pump();
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (!this.reset) {
      this.finSent = true;
      this.host.send(encodeEmpty(FrameType.fin, this.id));
    }
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    const clean = this.finSent && this.finReceived;
    if (!this.reset && !clean) this.sendReset(err?.message ?? 'the stream was closed');
    this.settleAccepted(
      err instanceof TunnelError ? err : new TunnelError('reset', err?.message ?? 'the stream was closed'),
    );
    const p = this.pending;
    this.pending = undefined;
    this.host.forget(this.id);
    cb(err);
    // A write waiting for credit is abandoned; its callback must still run once.
    if (p) p.cb(err ?? new TunnelError('closed', 'the stream was closed'));
  }

  // --- internals ---

  private sendReset(reason: string): void {
    this.reset = true;
    this.host.send(encodeText(FrameType.rst, this.id, reason, maxReasonBytes));
  }

  /** Sends as much of the pending write as credit allows; completes it when all is sent. */
  private pump(): void {
    const p = this.pending;
    if (!p || this.reset) return;
    while (p.remaining > 0 && this.sendWindow > 0) {
      const n = Math.min(p.remaining, this.sendWindow, maxDataPayload);
      const parts: Buffer[] = [];
      let need = n;
      while (need > 0) {
        const head = p.chunks[0]!;
        const take = Math.min(need, head.length - p.offset);
        parts.push(take === head.length ? head : head.subarray(p.offset, p.offset + take));
        need -= take;
        p.offset += take;
        if (p.offset === head.length) {
          p.chunks.shift();
          p.offset = 0;
        }
      }
      this.host.send(encodeData(this.id, parts, n));
      this.sendWindow -= n;
      p.remaining -= n;
    }
    if (p.remaining === 0) {
      this.pending = undefined;
      this.host.whenWritable(() => p.cb());
    }
  }

  private maybeCredit(): void {
    if (this.reset || this.finReceived) return;
    const consumed = this.received - this.readableLength;
    const owed = consumed - this.credited;
    if (owed >= creditStep || (owed >= creditStepIdle && this.readableLength === 0)) {
      this.credited += owed;
      this.recvWindow += owed;
      this.host.send(encodeCredit(this.id, owed));
    }
  }
}
