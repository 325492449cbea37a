/** Commander argument parsers for typed flag values, failing as usage errors that name the flag. */
import { parseDuration } from './duration.js';
import { CliError, ExitCode } from './errors.js';

export function boolFlag(flag: string) {
  return (text: string): boolean => {
    if (/^(true|1|yes)$/i.test(text)) return true;
    if (/^(false|0|no)$/i.test(text)) return false;
    throw new CliError(`${flag} expects true or false, got "${text}".`, { exitCode: ExitCode.usage });
  };
}

/** A duration such as `8h` or `1h30m` in milliseconds; `0` is allowed (meaning "none"). */
export function durationFlag(flag: string) {
  return (text: string): number => {
    if (text.trim() === '0') return 0;
    const ms = parseDuration(text);
    if (ms === undefined) {
      throw new CliError(`${flag} expects a duration such as 8h or 1h30m, got "${text}".`, {
        exitCode: ExitCode.usage,
      });
    }
    return ms;
  };
}

/** A whole number within [min, max]: scale-test counts and concurrency are bounded on purpose. */
export function intFlag(flag: string, min: number, max: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new CliError(`${flag} expects a whole number from ${min} to ${max}, got "${text}".`, {
        exitCode: ExitCode.usage,
      });
    }
    return n;
  };
}
