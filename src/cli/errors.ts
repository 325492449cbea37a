/** Prints any error the way a user can act on it: message, detail, validations; stack only when asked. */
import { CommanderError } from 'commander';
import { HangarError } from '../sdk/errors.js';

export function printError(err: unknown): void {
  if (err instanceof CommanderError) {
    // Commander already printed usage errors; help and version exit cleanly.
    return;
  }
  const verbose =
    process.argv.includes('--verbose') || process.argv.includes('-v') || process.env.HANGAR_DEBUG === '1';
  if (err instanceof HangarError) {
    process.stderr.write(`error: ${err.message}\n`);
    if (err.detail) process.stderr.write(`  ${err.detail}\n`);
    for (const v of err.validations) process.stderr.write(`  - ${v.field}: ${v.detail}\n`);
  } else {
    process.stderr.write(`error: ${(err as Error)?.message ?? String(err)}\n`);
  }
  if (verbose && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode;
  return 1;
}
