/**
 * Interactive prompts (via @inquirer/prompts), written to stderr so stdout stays clean for data.
 * Callers check `canPrompt()` first and fail with the flags to pass when there is no terminal.
 */
import { confirm, input, password } from '@inquirer/prompts';

const context = { output: process.stderr };

export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY);
}

type Check = (value: string) => string | undefined;

/** Adapts "problem or undefined" checks to inquirer's "true or message" validators. */
const validator = (check?: Check) => (value: string) => (check ? (check(value) ?? true) : true);

export function promptText(
  message: string,
  options: { default?: string; validate?: Check } = {},
): Promise<string> {
  return input({ message, default: options.default, validate: validator(options.validate) }, context);
}

export function promptSecret(message: string, validate?: Check): Promise<string> {
  return password({ message, mask: '*', validate: validator(validate) }, context);
}

export function promptConfirm(message: string, defaultValue = false): Promise<boolean> {
  return confirm({ message, default: defaultValue }, context);
}
