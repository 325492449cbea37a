/**
 * The deployment's secret keys: one random master secret in site_configs (shared by every replica,
 * created by whichever starts first), from which each purpose derives its own key, so a key used
 * to sign app tokens can never verify a CSRF token or decrypt an app key (Coder keeps one key per
 * feature in crypto_keys).
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface SecretKeys {
  /** HMAC-SHA256 key of signed app tokens (cookie `coder_signed_app_token`). */
  appToken: Buffer;
  /** AES-256-GCM key of the app key smuggled to the app domain (§8.3). */
  appKeyEncryption: Buffer;
  /** HMAC-SHA256 key of CSRF tokens. */
  csrf: Buffer;
}

export const secretKeyConfig = 'secret_key';

export function newMasterSecret(): string {
  return randomBytes(32).toString('hex');
}

export function deriveSecretKeys(masterHex: string): SecretKeys {
  const master = Buffer.from(masterHex, 'hex');
  const derive = (purpose: string) => createHmac('sha256', master).update(`hangar:${purpose}`).digest();
  return {
    appToken: derive('app-token'),
    appKeyEncryption: derive('app-key-encryption'),
    csrf: derive('csrf'),
  };
}
