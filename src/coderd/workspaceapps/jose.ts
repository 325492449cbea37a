/**
 * The two compact JOSE forms the app authentication flow needs, on node:crypto only:
 * JWS with HS256 (signed app tokens) and JWE with `dir` + A256GCM (the app key carried in a URL).
 * Both carry a JSON payload with an `exp` in seconds, checked on the way in.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const unb64 = (s: string) => Buffer.from(s, 'base64url');
const jwsHeader = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
const jweHeader = b64(JSON.stringify({ alg: 'dir', enc: 'A256GCM' }));

export interface Expiring {
  /** Seconds since the epoch. */
  exp: number;
}

function parseUnexpired<T extends Expiring>(json: Buffer): T | undefined {
  try {
    const payload = JSON.parse(json.toString('utf8')) as T;
    return typeof payload.exp === 'number' && payload.exp * 1000 > Date.now() ? payload : undefined;
  } catch {
    return undefined;
  }
}

export function signJws<T extends Expiring>(payload: T, key: Buffer): string {
  const body = `${jwsHeader}.${b64(JSON.stringify(payload))}`;
  return `${body}.${b64(createHmac('sha256', key).update(body).digest())}`;
}

/** The payload, or undefined when the signature, the header or the expiry is wrong. */
export function verifyJws<T extends Expiring>(token: string, key: Buffer): T | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== jwsHeader) return undefined;
  const expected = createHmac('sha256', key).update(`${parts[0]}.${parts[1]}`).digest();
  const got = unb64(parts[2]!);
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return undefined;
  return parseUnexpired<T>(unb64(parts[1]!));
}

export function encryptJwe<T extends Expiring>(payload: T, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  // The protected header is the additional authenticated data, as RFC 7516 specifies.
  cipher.setAAD(Buffer.from(jweHeader));
  const text = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  return `${jweHeader}..${b64(iv)}.${b64(text)}.${b64(cipher.getAuthTag())}`;
}

/** The payload, or undefined when it was not made with `key`, was altered, or has expired. */
export function decryptJwe<T extends Expiring>(token: string, key: Buffer): T | undefined {
  const parts = token.split('.');
  if (parts.length !== 5 || parts[0] !== jweHeader || parts[1] !== '') return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, unb64(parts[2]!), { authTagLength: 16 });
    decipher.setAAD(Buffer.from(jweHeader));
    decipher.setAuthTag(unb64(parts[4]!));
    return parseUnexpired<T>(Buffer.concat([decipher.update(unb64(parts[3]!)), decipher.final()]));
  } catch {
    return undefined;
  }
}
