/**
 * Turns PostgreSQL errors that users can cause into domain errors before they leave src/database
 * (house style 8): a unique violation becomes Conflict naming the field; anything else passes on
 * unchanged and the HTTP edge reports it as Internal with a log id.
 */
import { Conflict, InvalidInput } from '../sdk/errors.js';

/** Unique/exclusion constraint name → the API field it protects. */
const constraintFields: Record<string, { field: string; what: string }> = {
  users_username_key: { field: 'username', what: 'A user with this username already exists.' },
  users_email_key: { field: 'email', what: 'A user with this email already exists.' },
  organizations_name_key: { field: 'name', what: 'An organization with this name already exists.' },
  api_keys_token_name_key: { field: 'token_name', what: 'A token with this name already exists.' },
  provisioner_keys_name_key: { field: 'name', what: 'A provisioner key with this name already exists.' },
};

interface PgError {
  code?: string;
  constraint?: string;
  message?: string;
}

/** Register the field a constraint protects (each component's migrations add theirs). */
export function registerConstraint(name: string, field: string, what: string): void {
  constraintFields[name] = { field, what };
}

export function mapPgError(err: unknown): unknown {
  const e = err as PgError;
  if (e?.code === '23505' && e.constraint) {
    const known = constraintFields[e.constraint];
    if (known) return new Conflict(known.what, { validations: [{ field: known.field, detail: known.what }] });
    return new Conflict('The resource already exists.', { cause: err });
  }
  // invalid_text_representation: e.g. a malformed UUID that slipped past validation.
  if (e?.code === '22P02') return new InvalidInput('A value has the wrong format.', { cause: err });
  return err;
}

/** Runs a query function and maps its PostgreSQL errors. */
export async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapPgError(err);
  }
}
