/** Password hashing with argon2id, and a dummy verify for unknown users so timing reveals nothing. */
import { hash, verify } from '@node-rs/argon2';

// @node-rs/argon2's Algorithm enum is a const enum; 2 is Argon2id.
const argon2id = 2;
let dummyHash: Promise<string> | undefined;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: argon2id });
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  if (!hashed) {
    // Spend the same time as a real check so a missing user or password is not observable.
    dummyHash ??= hashPassword('hangar-dummy-password-for-timing');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}
