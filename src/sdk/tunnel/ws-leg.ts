/**
 * The WebSocket client leg, for browsers (which cannot use raw Upgrade). A WebSocket has no
 * half-close, so end-of-stream travels in band:
 *
 * - a **binary** message carries stream bytes;
 * - a **text** message `eof` means the sender will send no more bytes (TCP FIN); the other
 *   direction stays open;
 * - once both sides have sent `eof`, either closes with code 1000;
 * - close code **4000** with a reason means the stream failed (e.g. the agent's dial was refused:
 *   "connection refused on 127.0.0.1:8080"); any other text message is a protocol error (1002).
 *
 * `WebSocketLeg` wraps a `ws` socket (either end) as a half-open `Duplex` speaking this format.
 */
import { Buffer } from 'node:buffer';
import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { TunnelError } from './tunnel-error.js';

export const wsEofMessage = 'eof';
export const wsStreamErrorCode = 4000;
const sendHighWaterMark = 1024 * 1024;
const wsOpen = 1;

function closeReason(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= 123) return text;
  let end = 123;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

export class WebSocketLeg extends Duplex {
  private eofSent = false;
  private eofReceived = false;

  constructor(private readonly ws: WebSocket) {
    super({ allowHalfOpen: true });
    ws.binaryType = 'nodebuffer';
    ws.on('error', () => {});
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (this.destroyed) return;
      if (isBinary) {
        if (this.eofReceived) return this.failProtocol('data after eof');
        if (!this.push(data)) ws.pause();
      } else if (data.toString('utf8') === wsEofMessage && !this.eofReceived) {
        this.eofReceived = true;
        this.push(null);
        // No more data will be read, so nothing would resume a paused socket; the close frame
        // still has to be read.
        if (ws.isPaused) ws.resume();
        this.closeIfDone();
      } else {
        this.failProtocol('unexpected text message');
      }
    });
    ws.on('close', (code: number, reason: Buffer) => {
      if (this.destroyed || (this.eofSent && this.eofReceived)) return;
      const why = reason.toString('utf8');
      this.destroy(
        code === wsStreamErrorCode
          ? new TunnelError('reset', why || 'the stream failed')
          : new TunnelError(
              'closed',
              `the WebSocket closed before the stream ended (${code}${why ? ` ${why}` : ''})`,
            ),
      );
    });
  }

  /** Fails the stream on both ends with `reason` (close code 4000). */
  fail(reason: string): void {
    if (this.ws.readyState === wsOpen) this.ws.close(wsStreamErrorCode, closeReason(reason));
    this.destroy(new TunnelError('reset', reason));
  }

  override _read(): void {
    if (this.ws.isPaused) this.ws.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.ws.bufferedAmount + chunk.length <= sendHighWaterMark) {
      this.ws.send(chunk);
      cb();
    } else {
      this.ws.send(chunk, (err) => cb(err));
    }
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.ws.send(wsEofMessage, (err) => {
      if (err) return cb(err);
      this.eofSent = true;
      this.closeIfDone();
      cb();
    });
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.ws.isPaused) this.ws.resume();
    if (this.ws.readyState === wsOpen) {
      if (this.eofSent && this.eofReceived) this.ws.close(1000);
      else this.ws.close(wsStreamErrorCode, closeReason(err?.message ?? 'the stream was closed'));
    }
    cb(err);
  }

  private closeIfDone(): void {
    if (this.eofSent && this.eofReceived && this.ws.readyState === wsOpen) this.ws.close(1000);
  }

  private failProtocol(what: string): void {
    if (this.ws.readyState === wsOpen) this.ws.close(1002, what);
    this.destroy(new TunnelError('protocol', `WebSocket stream protocol error: ${what}.`));
  }
}
