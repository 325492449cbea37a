/**
 * The tunnel multiplexer's wire format (ADR 0040). Every binary WebSocket message is exactly one
 * frame: a 1-byte type, a 4-byte big-endian stream id, then the payload (the message length
 * bounds it, so there is no length field).
 *
 * | type       | payload                                   |
 * |------------|-------------------------------------------|
 * | OPEN 1     | UTF-8 target, 1–1024 bytes (see target.ts) |
 * | OPEN_OK 2  | empty: the acceptor dialed the target      |
 * | DATA 3     | 1–`maxDataPayload` bytes of stream data     |
 * | CREDIT 4   | uint32 increment (> 0) of the send window  |
 * | FIN 5      | empty: the sender will send no more data   |
 * | RST 6      | UTF-8 reason, ≤ 512 bytes; stream is dead  |
 *
 * Types 16–255 are reserved for connection-level control messages (stream id 0).
 */
import { Buffer } from 'node:buffer';

export const FrameType = {
  open: 1,
  openOk: 2,
  data: 3,
  credit: 4,
  fin: 5,
  rst: 6,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export const headerBytes = 5;
/** Per-stream window: the most unacknowledged bytes a sender may have in flight. */
export const defaultWindow = 256 * 1024;
/** Largest DATA payload; larger writes are split. */
export const maxDataPayload = 256 * 1024;
export const maxTargetBytes = 1024;
export const maxReasonBytes = 512;

export interface Frame {
  type: FrameType;
  id: number;
  payload: Buffer;
}

/** A frame the peer should never have sent; the mux closes with a protocol error. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

/** Decodes one frame without copying the payload; throws ProtocolError for malformed input. */
export function decodeFrame(msg: Buffer): Frame {
  if (msg.length < headerBytes)
    throw new ProtocolError(`frame of ${msg.length} bytes is shorter than its header`);
  const type = msg[0]!;
  const id = msg.readUInt32BE(1);
  const payload = msg.subarray(headerBytes);
  if (id === 0) throw new ProtocolError('stream id 0 is reserved');
  switch (type) {
    case FrameType.open:
      if (payload.length === 0 || payload.length > maxTargetBytes)
        throw new ProtocolError(`OPEN target of ${payload.length} bytes (1–${maxTargetBytes} allowed)`);
      break;
    case FrameType.openOk:
    case FrameType.fin:
      if (payload.length !== 0) throw new ProtocolError(`frame type ${type} carries no payload`);
      break;
    case FrameType.data:
      if (payload.length === 0 || payload.length > maxDataPayload)
        throw new ProtocolError(`DATA of ${payload.length} bytes (1–${maxDataPayload} allowed)`);
      break;
    case FrameType.credit:
      if (payload.length !== 4 || payload.readUInt32BE(0) === 0)
        throw new ProtocolError('CREDIT must carry a non-zero 4-byte increment');
      break;
    case FrameType.rst:
      if (payload.length > maxReasonBytes) throw new ProtocolError(`RST reason of ${payload.length} bytes`);
      break;
    default:
      throw new ProtocolError(`unknown frame type ${type}`);
  }
  return { type: type as FrameType, id, payload };
}

function header(type: FrameType, id: number, extra: number): Buffer {
  const buf = Buffer.allocUnsafe(headerBytes + extra);
  buf[0] = type;
  buf.writeUInt32BE(id, 1);
  return buf;
}

export function encodeEmpty(type: FrameType, id: number): Buffer {
  return header(type, id, 0);
}

export function encodeCredit(id: number, increment: number): Buffer {
  const buf = header(FrameType.credit, id, 4);
  buf.writeUInt32BE(increment, headerBytes);
  return buf;
}

/** OPEN and RST: UTF-8 text, truncated on a character boundary to `limit` bytes. */
export function encodeText(type: FrameType, id: number, text: string, limit: number): Buffer {
  let bytes = Buffer.from(text, 'utf8');
  if (bytes.length > limit) bytes = Buffer.from(truncateUtf8(bytes, limit));
  const buf = header(type, id, bytes.length);
  bytes.copy(buf, headerBytes);
  return buf;
}

/**
 * DATA: header and payload in one buffer. `parts` are written back to back, so a vectored write
 * of several small chunks becomes one frame. This is the one copy on the send path: `ws` writes a
 * message as a single buffer, and a client-side `ws` masks into a copy anyway.
 */
export function encodeData(id: number, parts: readonly Buffer[], length: number): Buffer {
  const buf = header(FrameType.data, id, length);
  let off = headerBytes;
  for (const p of parts) off += p.copy(buf, off);
  return buf;
}

function truncateUtf8(bytes: Buffer, limit: number): Buffer {
  let end = limit;
  // Back up over continuation bytes (10xxxxxx) so a character is never cut in half.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}
