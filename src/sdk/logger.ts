/**
 * The logging contract components depend on. The CLI creates the real (pino) root logger and hands
 * named children down; pino's Logger satisfies this interface. Fields go in the object, never
 * interpolated into the message (house style 23).
 */
export interface LogFn {
  (obj: object, msg?: string): void;
  (msg: string): void;
}

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

/** A logger that drops everything, for tests and library defaults. */
export const nopLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => nopLogger,
};

/** Field names whose values are never logged (shared by every component's logger). */
export const redactedFields = [
  'password',
  'old_password',
  'token',
  'session_token',
  'secret',
  'key',
  'authorization',
  'cookie',
  'Coder-Session-Token',
];
