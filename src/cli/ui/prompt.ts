/**
 * Interactive prompts (via @inquirer/prompts), written to stderr so stdout stays clean for data.
 * Callers check `canPrompt()` first and fail with the flags to pass when there is no terminal.
 */
import { CliError, ExitCode } from '../errors.js';

// Loaded on first use: most runs never prompt, and the CLI should start fast.
const prompts = () => import('@inquirer/prompts');

const context = { output: process.stderr };

export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY);
}

type Check = (value: string) => string | undefined;

/** Adapts "problem or undefined" checks to inquirer's "true or message" validators. */
const validator = (check?: Check) => (value: string) => (check ? (check(value) ?? true) : true);

export async function promptText(
  message: string,
  options: { default?: string; validate?: Check } = {},
): Promise<string> {
  return (await prompts()).input(
    { message, default: options.default, validate: validator(options.validate) },
    context,
  );
}

export async function promptSecret(message: string, validate?: Check): Promise<string> {
  return (await prompts()).password({ message, mask: '*', validate: validator(validate) }, context);
}

export async function promptConfirm(message: string, defaultValue = false): Promise<boolean> {
  return (await prompts()).confirm({ message, default: defaultValue }, context);
}

/**
 * Asks before something destructive. `yes` (from -y) skips the question; with no terminal to ask
 * on, the command refuses rather than guess.
 */
export async function confirmOrRefuse(message: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!canPrompt()) {
    throw new CliError(`${message} Pass -y to confirm.`, {
      exitCode: ExitCode.usage,
      hint: 'stdin is not a terminal, so the question cannot be asked.',
    });
  }
  if (!(await promptConfirm(message))) throw new CliError('Cancelled.', { exitCode: ExitCode.interrupted });
}

export async function promptSelect(
  message: string,
  choices: { name: string; value: string; description?: string }[],
  defaultValue?: string,
): Promise<string> {
  return (await prompts()).select({ message, choices, default: defaultValue }, context);
}
