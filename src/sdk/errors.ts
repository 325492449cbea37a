/**
 * The one error hierarchy of Hangar. Domain code throws these; only the HTTP edge
 * (src/coderd/httpapi) knows which status each becomes, and the client (./client.ts)
 * rebuilds the class from a response so callers can react by type.
 */

/** A field-level problem, as Coder's `ValidationError`. */
export interface ValidationError {
  field: string;
  detail: string;
}

/** The wire shape of every error body (Coder's `codersdk.Response`). */
export interface ErrorResponse {
  message: string;
  detail?: string;
  validations?: ValidationError[];
}

export type HangarErrorCode =
  | 'invalid_input'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'too_many_requests'
  | 'payload_too_large'
  | 'unavailable'
  | 'internal';

export interface HangarErrorOptions {
  detail?: string;
  validations?: ValidationError[];
  cause?: unknown;
  /** Extra response headers (e.g. Retry-After), applied by the HTTP edge. */
  headers?: Record<string, string>;
}

export abstract class HangarError extends Error {
  abstract readonly code: HangarErrorCode;
  readonly detail: string | undefined;
  readonly validations: ValidationError[];
  readonly headers: Record<string, string>;

  constructor(message: string, options: HangarErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.detail = options.detail;
    this.validations = options.validations ?? [];
    this.headers = options.headers ?? {};
  }

  toResponse(): ErrorResponse {
    const body: ErrorResponse = { message: this.message };
    if (this.detail) body.detail = this.detail;
    if (this.validations.length > 0) body.validations = this.validations;
    return body;
  }
}

export class InvalidInput extends HangarError {
  readonly code = 'invalid_input';

  /** One invalid field: the message names it so a user without the validations list still knows. */
  static field(field: string, detail: string): InvalidInput {
    return new InvalidInput(`Invalid value for "${field}".`, { validations: [{ field, detail }] });
  }
}
export class Unauthenticated extends HangarError {
  readonly code = 'unauthenticated';
}
export class Forbidden extends HangarError {
  readonly code = 'forbidden';
}
export class NotFound extends HangarError {
  readonly code = 'not_found';
}
export class Conflict extends HangarError {
  readonly code = 'conflict';
}
export class PreconditionFailed extends HangarError {
  readonly code = 'precondition_failed';
}
export class TooManyRequests extends HangarError {
  readonly code = 'too_many_requests';
}
export class PayloadTooLarge extends HangarError {
  readonly code = 'payload_too_large';
}
export class Unavailable extends HangarError {
  readonly code = 'unavailable';
}
export class Internal extends HangarError {
  readonly code = 'internal';
}

const byCode: Record<HangarErrorCode, new (message: string, options?: HangarErrorOptions) => HangarError> = {
  invalid_input: InvalidInput,
  unauthenticated: Unauthenticated,
  forbidden: Forbidden,
  not_found: NotFound,
  conflict: Conflict,
  precondition_failed: PreconditionFailed,
  too_many_requests: TooManyRequests,
  payload_too_large: PayloadTooLarge,
  unavailable: Unavailable,
  internal: Internal,
};

/** Build the error class for a code (used by the client to rebuild errors from responses). */
export function errorForCode(
  code: HangarErrorCode,
  message: string,
  options?: HangarErrorOptions,
): HangarError {
  return new byCode[code](message, options);
}

/** Anything thrown becomes a HangarError; unknown values are wrapped as Internal with the cause kept. */
export function toHangarError(err: unknown): HangarError {
  if (err instanceof HangarError) return err;
  if (err instanceof Error) return new Internal('An internal error occurred.', { cause: err });
  return new Internal('An internal error occurred.', { cause: new Error(String(err)) });
}

/** Collects validation problems and throws them together, so a user sees every bad field at once. */
export class Validator {
  readonly problems: ValidationError[] = [];

  add(field: string, detail: string): this {
    this.problems.push({ field, detail });
    return this;
  }

  check(ok: boolean, field: string, detail: string): this {
    if (!ok) this.add(field, detail);
    return this;
  }

  throwIfInvalid(message = 'Validation failed.'): void {
    if (this.problems.length === 0) return;
    const fields = [...new Set(this.problems.map((p) => p.field))].join(', ');
    throw new InvalidInput(`${message} Invalid fields: ${fields}.`, { validations: this.problems });
  }
}
