/**
 * API keys in Coder's form `<id>-<secret>`: a 10-character id and a 22-character secret. Only the
 * SHA-256 of the secret is stored; validation compares hashes in constant time.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomString(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export interface GeneratedKey {
  id: string;
  secret: string;
  hashedSecret: Buffer;
  token: string;
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

export function generateApiKey(): GeneratedKey {
  const id = randomString(10);
  const secret = randomString(22);
  return { id, secret, hashedSecret: hashSecret(secret), token: `${id}-${secret}` };
}

/** Splits a token; undefined when it does not have the shape of one. */
export function parseApiKey(token: string): { id: string; secret: string } | undefined {
  const m = /^([a-zA-Z0-9]{10})-([a-zA-Z0-9]{22})$/.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

export function secretMatches(hashedSecret: Buffer, secret: string): boolean {
  const candidate = hashSecret(secret);
  return hashedSecret.length === candidate.length && timingSafeEqual(hashedSecret, candidate);
}
