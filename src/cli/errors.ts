/**
 * The one place errors become text and exit codes (house style 26): message, detail, each
 * validation as `field: detail`, the cause chain and a hint; the stack only with --verbose or
 * HANGAR_DEBUG=1. main.ts prints with `printError` and exits with `exitCodeFor`.
 */
import { CommanderError } from 'commander';
import { HangarError, type HangarErrorCode } from '../sdk/errors.js';

/** Exit codes a script can branch on. Usage mistakes share 2 with bad input, as most CLIs do. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  unauthenticated: 3,
  forbidden: 4,
  notFound: 5,
  conflict: 6,
  unavailable: 7,
  interrupted: 130,
} as const;

/** An error raised by the CLI itself (not the server), with its own exit code and hint. */
export class CliError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;
  readonly detail: string | undefined;

  constructor(
    message: string,
    options: { exitCode?: number; hint?: string; detail?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? ExitCode.failure;
    this.hint = options.hint;
    this.detail = options.detail;
  }
}

export function notLoggedIn(): CliError {
  return new CliError('You are not logged in. Run `hangar login <url>`.', {
    exitCode: ExitCode.unauthenticated,
  });
}

const codeExits: Partial<Record<HangarErrorCode, number>> = {
  invalid_input: ExitCode.usage,
  payload_too_large: ExitCode.usage,
  unauthenticated: ExitCode.unauthenticated,
  forbidden: ExitCode.forbidden,
  not_found: ExitCode.notFound,
  conflict: ExitCode.conflict,
  precondition_failed: ExitCode.conflict,
  unavailable: ExitCode.unavailable,
  too_many_requests: ExitCode.unavailable,
};

const codeHints: Partial<Record<HangarErrorCode, string>> = {
  unauthenticated: 'Your session is missing, expired or revoked. Run `hangar login <url>`.',
  forbidden: 'Your account lacks the role this needs; ask an owner.',
  unavailable: 'Check that the server is running and that --url (or HANGAR_URL) points at it.',
  too_many_requests: 'Wait a minute and try again.',
};

/** The user pressed Ctrl-C at a prompt (@inquirer/prompts' ExitPromptError). */
function isPromptExit(err: unknown): boolean {
  return err instanceof Error && err.name === 'ExitPromptError';
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : ExitCode.usage;
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof HangarError) return codeExits[err.code] ?? ExitCode.failure;
  if (isPromptExit(err)) return ExitCode.interrupted;
  return ExitCode.failure;
}

export function isVerbose(argv = process.argv, env = process.env): boolean {
  return argv.includes('--verbose') || argv.includes('-v') || env.HANGAR_DEBUG === '1';
}

/** The text `printError` writes, without the stack unless `verbose`. */
export function formatError(err: unknown, verbose = false): string {
  if (isPromptExit(err)) return 'error: Cancelled.\n';
  if (err instanceof AggregateError) {
    const parts = err.errors.map((e, i) =>
      indent(formatError(e, false).replace(/^error: /, ''), `${i + 1}. `),
    );
    return `error: ${err.message || `${err.errors.length} errors occurred.`}\n${parts.join('')}${stack(err, verbose)}`;
  }
  const lines: string[] = [`error: ${messageOf(err)}`];
  if (err instanceof HangarError || err instanceof CliError) {
    if (err.detail) lines.push(`  ${err.detail}`);
  }
  if (err instanceof HangarError) {
    for (const v of err.validations) lines.push(`  ${v.field}: ${v.detail}`);
  }
  // Follow the cause chain: a wrapped error says what was being done, its cause says why it failed.
  let cause = err instanceof Error ? err.cause : undefined;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    lines.push(`  caused by: ${messageOf(cause)}`);
    if (cause instanceof HangarError && cause.detail) lines.push(`    ${cause.detail}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  const hint = hintFor(err);
  if (hint) lines.push(`hint: ${hint}`);
  return `${lines.join('\n')}\n${stack(err, verbose)}`;
}

export function printError(err: unknown): void {
  // Commander has already printed usage errors; help and --version exit cleanly.
  if (err instanceof CommanderError) return;
  process.stderr.write(formatError(err, isVerbose()));
}

function hintFor(err: unknown): string | undefined {
  if (err instanceof CliError) return err.hint;
  if (err instanceof HangarError) return codeHints[err.code];
  return undefined;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

function stack(err: unknown, verbose: boolean): string {
  return verbose && err instanceof Error && err.stack ? `${err.stack}\n` : '';
}

function indent(text: string, first: string): string {
  const pad = ' '.repeat(first.length);
  return text
    .trimEnd()
    .split('\n')
    .map((l, i) => `  ${i === 0 ? first : pad}${l}`)
    .join('\n')
    .concat('\n');
}
