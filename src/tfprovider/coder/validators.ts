/** Attribute validators shared by the coder resources, worded like Coder's own errors. */
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

/** Coder's scripts use cron with a seconds field: six space-separated fields. */
export const cronWithSeconds: Validator = (value, path, diags) => {
  if (typeof value !== 'string') return;
  const fields = value.trim().split(/\s+/);
  if (fields.length !== 6 || fields.some((f) => !/^[0-9*?/,\-A-Za-z#LW]+$/.test(f))) {
    diags.error(
      'Invalid cron expression',
      `${JSON.stringify(value)} must have six fields, the first being seconds (e.g. "0 */5 * * * *").`,
      path,
    );
  }
};
