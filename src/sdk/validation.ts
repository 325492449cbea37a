/**
 * Input rules shared by the server (authoritative) and clients (early feedback in forms).
 * Name rules follow Coder's `NameValid`; the password rule follows its entropy policy.
 */
import { z } from 'zod';

/** Usernames, workspace and template names: letters, digits and single hyphens between them. */
export const nameRegex = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/;
export const maxNameLength = 32;
/** Names that would collide with routes (`/users/me`) and so can never be usernames. */
export const reservedNames = new Set(['me', 'new', 'first', 'login', 'logout', 'roles', 'authmethods']);

export const username = z
  .string()
  .min(1, 'Must not be empty.')
  .max(maxNameLength, `Must be at most ${maxNameLength} characters.`)
  .regex(nameRegex, 'Must be letters and digits, optionally separated by single hyphens.')
  .refine((s) => !reservedNames.has(s.toLowerCase()), 'This name is reserved.');

export const email = z
  .string()
  .max(254, 'Must be at most 254 characters.')
  .regex(/^[^\s@<>()"',;:\\]+@[^\s@<>()"',;:\\]+\.[^\s@<>()"',;:\\]+$/, 'Must be a valid email address.');

export const displayName = z.string().max(128, 'Must be at most 128 characters.');

export const minPasswordEntropyBits = 52;
export const maxPasswordLength = 64;

/** Estimated entropy: length × log2(size of the character classes used), as go-password-validator does. */
export function passwordEntropyBits(password: string): number {
  let pool = 0;
  if (/[a-z]/.test(password)) pool += 26;
  if (/[A-Z]/.test(password)) pool += 26;
  if (/[0-9]/.test(password)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(password)) pool += 33;
  // Repeated characters add little: count each distinct character once, plus a little for repeats.
  const distinct = new Set(password).size;
  const effectiveLength = distinct + (password.length - distinct) * 0.25;
  return pool === 0 ? 0 : effectiveLength * Math.log2(pool);
}

/** A sentence saying what is wrong with the password, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length === 0) return 'Must not be empty.';
  if (password.length > maxPasswordLength) return `Must be at most ${maxPasswordLength} characters.`;
  if (passwordEntropyBits(password) < minPasswordEntropyBits) {
    return 'Too weak: use a longer password or mix upper and lower case letters, digits and symbols.';
  }
  return undefined;
}

export const password = z.string().superRefine((s, ctx) => {
  const problem = passwordProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** A UUID in its canonical text form (path parameters, agent tokens). */
export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => uuidPattern.test(s);
