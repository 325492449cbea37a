/**
 * `GET /workspaceagents/{id}/pty?reconnect=<uuid>&width=&height=&command=` (Coder's web terminal,
 * coder-behaviour.md §7.3): a WebSocket whose client messages are JSON `{"data": "…"}` and
 * `{"height": h, "width": w}` and whose server messages are the terminal's raw output. coderd
 * opens a `pty?…` stream to the agent wherever it is attached (ADR 0073) and copies bytes both
 * ways; the client's JSON messages go through unchanged and the agent decodes them as a stream.
 * The agent keeps the session between clients and replays its output, so a client reattaches
 * through any replica. Authorized as SSH; with the session cookie, the Origin must be the
 * deployment's own (httpmw/api-key.ts checks it for every cookie-authenticated WebSocket).
 */
import { Buffer } from 'node:buffer';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { InvalidInput, Unavailable } from '../sdk/errors.js';
import { targetProblem, TunnelError } from '../sdk/tunnel/index.js';
import { connectableAgent, openAgentStream } from './agent-stream.js';
import { parseWith } from './httpapi/read.js';
import type { RequestContext } from './request-context.js';
import { acceptWebSocket } from './websocket.js';

const size = z.coerce.number().int().min(1).max(65535).default(80);
const ptyQuery = z.object({
  reconnect: z.uuid('Must be a UUID; the same UUID reattaches to the session.'),
  width: size,
  height: size,
  command: z.string().max(800).default(''),
});

/** Most bytes waiting in the WebSocket before the agent stream is paused. */
const sendHighWaterMark = 1 << 20;

export async function workspaceAgentPty(ctx: RequestContext): Promise<void> {
  const q = parseWith(ptyQuery, Object.fromEntries(ctx.url.searchParams), 'query');
  const target = `pty?${new URLSearchParams({
    reconnect: q.reconnect,
    width: String(q.width),
    height: String(q.height),
    ...(q.command ? { command: q.command } : {}),
  }).toString()}`;
  const problem = targetProblem(target);
  if (problem) throw InvalidInput.field('command', problem);
  const agent = await connectableAgent(ctx);
  const stream = await openAgentStream(ctx, agent, target).catch((err: unknown) => {
    // The agent (here or behind another replica) refused: say what failed, with its reason.
    if (err instanceof TunnelError)
      throw new Unavailable('The workspace agent could not start the terminal.', {
        detail: err.refusal?.body.detail ?? err.message,
      });
    throw err;
  });
  const ws = await acceptWebSocket(ctx);
  bridge(ws, stream);
}

/** Client messages → agent stream; agent output → binary messages; either end closes the other. */
function bridge(ws: WebSocket, stream: Duplex): void {
  ws.on('message', (data: Buffer | Buffer[] | ArrayBuffer) => {
    const chunk = Buffer.isBuffer(data)
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.from(data);
    if (!stream.write(chunk)) {
      ws.pause();
      stream.once('drain', () => ws.resume());
    }
  });
  stream.on('data', (chunk: Buffer) => {
    if (ws.bufferedAmount + chunk.length <= sendHighWaterMark) return ws.send(chunk);
    stream.pause();
    ws.send(chunk, () => stream.resume());
  });
  stream.on('end', () => ws.close(1000, 'the terminal session ended'));
  stream.on('error', (err) => ws.close(1011, err.message.slice(0, 120)));
  // The client left: end our half; the agent keeps the session for a later reattach.
  ws.on('close', () => stream.end());
  ws.on('error', () => stream.destroy());
}
