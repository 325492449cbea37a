/**
 * The only place that knows which HTTP status each domain error becomes (house style 7). Unknown
 * errors become 500 with a log id; their detail is logged, never sent.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { type HangarErrorCode, toHangarError, type ErrorResponse } from '../../sdk/errors.js';
import type { Logger } from '../../sdk/logger.js';
import { writeJson } from './write.js';

export const statusByCode: Record<HangarErrorCode, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  too_many_requests: 429,
  unavailable: 503,
  internal: 500,
};

export function errorToResponse(
  err: unknown,
  logger: Logger,
): { status: number; body: ErrorResponse; headers: Record<string, string> } {
  const e = toHangarError(err);
  const status = statusByCode[e.code];
  if (status >= 500) {
    const logId = randomUUID();
    // The cause (SQL errors, stack traces) is logged under an id the user can report, never returned.
    logger.error({ err: e.cause ?? e, logId, status }, 'request failed');
    const message = e.code === 'internal' ? 'An internal server error occurred.' : e.message;
    return { status, body: { message, detail: `Log id: ${logId}` }, headers: e.headers };
  }
  return { status, body: e.toResponse(), headers: e.headers };
}

export function writeError(res: ServerResponse, err: unknown, logger: Logger): void {
  const { status, body, headers } = errorToResponse(err, logger);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  writeJson(res, status, body);
}
