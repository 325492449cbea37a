/** Attribute validators shared by the coder resources, worded like Coder's own errors. */
import { parseCron } from '../../sdk/cron.js';
import type { Validator } from '../framework/schema.js';

export const oneOf =
  (...allowed: string[]): Validator =>
  (value, path, diags) => {
    if (typeof value === 'string' && !allowed.includes(value)) {
      diags.error(
        'Invalid value',
        `${JSON.stringify(value)} is not allowed here; expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}.`,
        path,
      );
    }
  };

/** Coder's rule for app slugs and agent names. */
export const slugPattern = /^[a-z0-9](-?[a-z0-9])*$/;

export const slug: Validator = (value, path, diags) => {
  if (typeof value === 'string' && !slugPattern.test(value)) {
    diags.error(
      'Invalid slug',
      `${JSON.stringify(value)} is not a valid slug: use lowercase letters, digits and single hyphens ` +
        `between them (it must match ${slugPattern.source}).`,
      path,
    );
  }
};

export const url: Validator = (value, path, diags) => {
  if (typeof value !== 'string') return;
  let ok = value !== '' && !/\s/.test(value);
  try {
    if (ok) new URL(value);
  } catch {
    ok = false;
  }
  if (!ok)
    diags.error(
      'Invalid URL',
      `${JSON.stringify(value)} is not a valid absolute URL (e.g. http://localhost:8080).`,
      path,
    );
};

export const nonNegative: Validator = (value, path, diags) => {
  if (typeof value === 'number' && value < 0)
    diags.error('Invalid value', `Must be 0 or more, got ${value}.`, path);
};

/** Coder's scripts use cron with a seconds field, parsed as the agent will (src/sdk/cron.ts). */
export const cronWithSeconds: Validator = (value, path, diags) => {
  if (typeof value !== 'string') return;
  try {
    // The provider asks for all six fields; the agent would also take five (no day of week).
    const fields = value.trim().split(/\s+/).length;
    if (fields !== 6) throw new Error(`expected 6 fields, seconds first, got ${fields}`);
    parseCron(value);
  } catch (err) {
    diags.error(
      'Invalid cron expression',
      `${JSON.stringify(value)}: ${(err as Error).message} (e.g. "0 */5 * * * *", seconds first).`,
      path,
    );
  }
};
