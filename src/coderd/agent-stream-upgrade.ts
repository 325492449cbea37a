/**
 * Serves one raw-Upgrade client leg (ADR 0040) with a stream being opened to an agent: 101 and a
 * splice once the agent has dialed, or an HTTP error the client can show. Used by the user-facing
 * tunnel endpoint and by the replica relay endpoint alike.
 */
import type { Duplex } from 'node:stream';
import { InvalidInput, type ErrorResponse } from '../sdk/errors.js';
import type { Logger } from '../sdk/logger.js';
import {
  acceptRawUpgrade,
  isRawUpgrade,
  rawUpgradeProtocol,
  rejectRawUpgrade,
  spliceStreams,
  TunnelError,
} from '../sdk/tunnel/index.js';
import { errorToResponse } from './httpapi/error-to-response.js';
import type { RequestContext } from './request-context.js';
import { takeUpgrade } from './websocket.js';

/** Throws (a plain 400) unless the request asks for the raw stream protocol. */
export function requireRawUpgrade(ctx: RequestContext): void {
  if (!isRawUpgrade(ctx.req))
    throw new InvalidInput(
      `This endpoint needs "Connection: Upgrade" with "Upgrade: ${rawUpgradeProtocol}".`,
    );
}

/** The HTTP answer for a stream that could not be opened. */
function refusalOf(err: unknown, logger: Logger): { status: number; body: ErrorResponse } {
  if (err instanceof TunnelError) {
    // Another replica refused: pass its answer on unchanged.
    if (err.refusal) return err.refusal;
    if (err.kind === 'reset')
      return {
        status: 502,
        body: { message: 'The workspace agent could not open the stream.', detail: err.message },
      };
  }
  return errorToResponse(err, logger);
}

export async function serveStreamUpgrade(ctx: RequestContext, opening: Promise<Duplex>): Promise<void> {
  const { socket, head } = takeUpgrade(ctx);
  ctx.api.agentConnections.trackClientSocket(socket);
  // Bytes the client sends before the 101 stay in the socket until the splice reads them.
  socket.on('error', () => {});
  let stream: Duplex;
  try {
    stream = await opening;
  } catch (err) {
    const { status, body } = refusalOf(err, ctx.logger);
    rejectRawUpgrade(socket, status, body);
    return;
  }
  if (socket.destroyed) {
    stream.destroy(new Error('the client went away before the stream opened'));
    return;
  }
  const err = await spliceStreams(acceptRawUpgrade(socket, head), stream);
  if (err) ctx.logger.debug({ err: err.message }, 'tunnel stream ended with an error');
}
