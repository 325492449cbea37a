/**
 * The tunnel multiplexer (ADR 0040): many byte streams over one `ws` WebSocket, one frame per
 * binary message (frames.ts). coderd is the `initiator` (odd stream ids) over the agent's control
 * socket, the agent the `acceptor` (even ids); either side may open streams, and either may
 * accept them once it has registered an `onOpen` handler.
 *
 * A malformed frame or a flow-control violation closes the whole mux with close code 1002 and
 * fails every stream with a `protocol` TunnelError; a dropped WebSocket fails every stream with a
 * `closed` TunnelError. Neither throws out of an event handler.
 */
import type { Buffer } from 'node:buffer';
import type { WebSocket } from 'ws';
import type { Logger } from '../logger.js';
import { nopLogger } from '../logger.js';
import {
  FrameType,
  ProtocolError,
  decodeFrame,
  defaultWindow,
  encodeText,
  maxReasonBytes,
  maxTargetBytes,
} from './frames.js';
import type { StreamHost } from './mux-stream.js';
import { MuxStream } from './mux-stream.js';
import { targetProblem } from './target.js';
import { TunnelError } from './tunnel-error.js';

/**
 * Serves a stream the peer opened: dial `target`, then pipe (see spliceStreams). Resolving
 * accepts the stream (OPEN_OK) unless the handler already called `stream.accept()` or
 * `stream.reject()`; throwing or rejecting resets it with the error's message as the reason.
 */
export type OpenHandler = (target: string, stream: MuxStream) => void | Promise<void>;

export interface MuxOptions {
  /** `initiator` allocates odd stream ids, `acceptor` even ones. */
  side: 'initiator' | 'acceptor';
  /** Most streams open at once (both directions). Default 4096. */
  maxStreams?: number;
  /** Per-stream flow-control window in bytes (both sides must agree). Default 256 KiB. */
  window?: number;
  /** Above this many bytes queued on the WebSocket, stream writes wait. Default 1 MiB. */
  sendHighWaterMark?: number;
  logger?: Logger;
}

const maxStreamId = 0xffffffff;
const wsOpen = 1;

export class Mux implements StreamHost {
  readonly window: number;
  private readonly streams = new Map<number, MuxStream>();
  private readonly maxStreams: number;
  private readonly sendHighWaterMark: number;
  private readonly logger: Logger;
  private readonly localParity: number;
  private nextLocalId: number;
  private lastPeerId = 0;
  private handler: OpenHandler | undefined;
  private waiters: (() => void)[] = [];
  private closeListeners: ((err?: TunnelError) => void)[] = [];
  private closedWith: { err: TunnelError | undefined } | undefined;

  constructor(
    private readonly ws: WebSocket,
    opts: MuxOptions,
  ) {
    if (ws.readyState !== wsOpen) throw new Error('the mux needs an open WebSocket');
    this.window = opts.window ?? defaultWindow;
    this.maxStreams = opts.maxStreams ?? 4096;
    this.sendHighWaterMark = opts.sendHighWaterMark ?? 1024 * 1024;
    this.logger = opts.logger ?? nopLogger;
    this.localParity = opts.side === 'initiator' ? 1 : 0;
    this.nextLocalId = opts.side === 'initiator' ? 1 : 2;
    ws.binaryType = 'nodebuffer';
    ws.on('message', this.onMessage);
    ws.on('error', (err) => this.logger.debug({ err: err.message }, 'tunnel connection error'));
    ws.on('close', (code, reason) =>
      this.shutdown(
        new TunnelError(
          'closed',
          `the tunnel connection closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`,
        ),
      ),
    );
  }

  /** Streams open now. */
  get streamCount(): number {
    return this.streams.size;
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  /**
   * Opens a stream to `target`. Data may be written at once (the acceptor buffers up to one
   * window until it has dialed); `stream.accepted` reports the dial's outcome.
   */
  open(target: string): MuxStream {
    if (this.closedWith) throw this.closedWith.err ?? new TunnelError('closed', 'the mux is closed');
    const problem = targetProblem(target);
    if (problem) throw new TunnelError('protocol', `Invalid stream target: ${problem}.`);
    if (this.streams.size >= this.maxStreams)
      throw new TunnelError('limit', `Too many tunnel streams are open (limit ${this.maxStreams}).`);
    if (this.nextLocalId > maxStreamId) throw new TunnelError('limit', 'The tunnel ran out of stream ids.');
    const id = this.nextLocalId;
    this.nextLocalId += 2;
    const stream = new MuxStream(id, target, this);
    this.streams.set(id, stream);
    this.send(encodeText(FrameType.open, id, target, maxTargetBytes));
    return stream;
  }

  /** Accepts streams the peer opens; without a handler they are reset. */
  onOpen(handler: OpenHandler): void {
    this.handler = handler;
  }

  /** Runs once when the mux ends: with the error, or undefined after `close()`. */
  onClose(listener: (err?: TunnelError) => void): void {
    if (this.closedWith) listener(this.closedWith.err);
    else this.closeListeners.push(listener);
  }

  /** Resets every stream and closes the WebSocket normally. */
  close(reason = 'the tunnel was closed'): void {
    if (this.closedWith) return;
    this.shutdown(new TunnelError('closed', reason), true);
    this.ws.close(1000, reason.slice(0, 120));
  }

  // --- StreamHost ---

  send(frame: Buffer): void {
    // A frame that leaves the WebSocket backed up carries a callback: when the socket has taken
    // it, writers waiting in whenWritable() may go on. The most recent frame sent while backed up
    // always has one, so a waiter is never stranded.
    const backedUp = this.ws.bufferedAmount + frame.length > this.sendHighWaterMark - 64;
    this.ws.send(frame, backedUp ? this.onSent : undefined);
  }

  whenWritable(cb: () => void): void {
    if (this.ws.bufferedAmount <= this.sendHighWaterMark || this.closedWith) return cb();
    this.waiters.push(cb);
  }

  forget(id: number): void {
    this.streams.delete(id);
  }

  // --- internals ---

  private readonly onSent = (): void => {
    if (!this.waiters.length) return;
    if (this.ws.bufferedAmount > this.sendHighWaterMark && this.ws.readyState === wsOpen) return;
    const ready = this.waiters;
    this.waiters = [];
    for (const cb of ready) cb();
  };

  private readonly onMessage = (data: Buffer, isBinary: boolean): void => {
    if (this.closedWith) return;
    try {
      if (!isBinary) throw new ProtocolError('text message on the tunnel connection');
      this.dispatch(data);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      this.logger.warn({ err: err.message }, 'tunnel protocol error; closing the connection');
      this.shutdown(new TunnelError('protocol', `Tunnel protocol error: ${err.message}.`));
      this.ws.close(1002, err.message.slice(0, 120));
    }
  };

  private dispatch(data: Buffer): void {
    const { type, id, payload } = decodeFrame(data);
    if (type === FrameType.open) return this.onOpenFrame(id, payload);
    const stream = this.streams.get(id);
    if (!stream) {
      // Frames racing a stream this side already finished are dropped; unknown ids are not.
      const seen = (id & 1) === this.localParity ? id < this.nextLocalId : id <= this.lastPeerId;
      if (!seen) throw new ProtocolError(`frame type ${type} for unknown stream ${id}`);
      return;
    }
    let problem: string | undefined;
    switch (type) {
      case FrameType.openOk:
        if ((id & 1) !== this.localParity) problem = `OPEN_OK for stream ${id}, which the peer opened`;
        else stream.onOpenOk();
        break;
      case FrameType.data:
        problem = stream.onData(payload);
        break;
      case FrameType.credit:
        problem = stream.onCredit(payload.readUInt32BE(0));
        break;
      case FrameType.fin:
        problem = stream.onFin();
        break;
      case FrameType.rst:
        stream.onReset(payload.toString('utf8'));
        break;
    }
    if (problem) throw new ProtocolError(problem);
  }

  private onOpenFrame(id: number, payload: Buffer): void {
    if ((id & 1) === this.localParity)
      throw new ProtocolError(`peer opened stream ${id} with this side's parity`);
    if (id <= this.lastPeerId) throw new ProtocolError(`stream id ${id} reused`);
    this.lastPeerId = id;
    const refuse = (reason: string) => this.send(encodeText(FrameType.rst, id, reason, maxReasonBytes));
    const target = payload.toString('utf8');
    const problem = targetProblem(target);
    if (problem) return refuse(`invalid target: ${problem}`);
    const handler = this.handler;
    if (!handler) return refuse('this side does not accept streams');
    if (this.streams.size >= this.maxStreams) return refuse(`too many streams (limit ${this.maxStreams})`);
    const stream = new MuxStream(id, target, this);
    this.streams.set(id, stream);
    // The handler's errors reach the peer as the reset reason, never this process.
    const settle = (err?: unknown) => {
      if (err === undefined) stream.accept();
      else stream.reject(err instanceof Error ? err.message : String(err));
    };
    try {
      const r = handler(target, stream);
      if (r instanceof Promise) r.then(() => settle(), settle);
      else settle();
    } catch (err) {
      settle(err ?? 'open handler failed');
    }
  }

  private shutdown(err: TunnelError, local = false): void {
    if (this.closedWith) return;
    this.closedWith = { err: local ? undefined : err };
    for (const s of [...this.streams.values()]) s.fail(err);
    this.streams.clear();
    const waiters = this.waiters;
    this.waiters = [];
    for (const cb of waiters) cb();
    for (const l of this.closeListeners) l(this.closedWith.err);
    this.closeListeners = [];
  }
}
