/**
 * One request and one reply over a tunnel stream (ADR 0043), for what coderd must ask the agent
 * rather than relay bytes to (listening ports, later netcheck and the like). The target is
 * `rpc:<method>`; the caller writes its JSON parameters and half-closes, the agent writes
 * `{"result": …}` or `{"error": "…"}` and ends. An unknown method is refused at open, so the
 * caller sees the agent's reason as a reset.
 */
import type { Duplex } from 'node:stream';
import { TunnelError } from './tunnel-error.js';

export const rpcScheme = 'rpc';
/** Largest request or reply (a listening-ports reply is a few KiB). */
export const maxRpcBytes = 4 << 20;

export function rpcTarget(method: string): string {
  return `${rpcScheme}:${method}`;
}

export type RpcHandler = (params: unknown) => Promise<unknown>;

/** Reads a stream to its end, failing beyond `limit` bytes. */
async function readAll(stream: Duplex, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Not destroyed at the end of the request: the reply goes out on the same stream.
  for await (const chunk of stream.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new TunnelError('limit', `The message is larger than ${limit} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function parse(bytes: Buffer): unknown {
  return bytes.length === 0 ? undefined : (JSON.parse(bytes.toString('utf8')) as unknown);
}

/** The caller's side: sends `params`, returns the result or throws the callee's error message. */
export async function callRpc<T>(stream: Duplex, params: unknown, timeoutMs = 30_000): Promise<T> {
  const timer = setTimeout(
    () => stream.destroy(new TunnelError('closed', `The agent did not answer within ${timeoutMs / 1000} s.`)),
    timeoutMs,
  );
  try {
    stream.end(JSON.stringify(params ?? null));
    const reply = parse(await readAll(stream, maxRpcBytes)) as { result?: T; error?: string } | undefined;
    if (!reply || typeof reply !== 'object') throw new TunnelError('protocol', 'The agent sent no reply.');
    if (typeof reply.error === 'string') throw new TunnelError('reset', reply.error);
    return reply.result as T;
  } finally {
    clearTimeout(timer);
    stream.destroy();
  }
}

/** The callee's side: reads the parameters, runs `handler`, writes its result or error message. */
export async function serveRpc(stream: Duplex, handler: RpcHandler): Promise<void> {
  let reply: { result?: unknown; error?: string };
  try {
    reply = { result: await handler(parse(await readAll(stream, maxRpcBytes))) };
  } catch (err) {
    reply = { error: err instanceof Error ? err.message : String(err) };
  }
  stream.end(JSON.stringify(reply));
}
