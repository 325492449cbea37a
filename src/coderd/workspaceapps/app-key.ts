/**
 * The application-connect key carried from the dashboard to an app host (§8.3): encrypted with a
 * key only coderd holds (JWE, AES-256-GCM) and valid for one minute, so the URL that carries it
 * is useless to anyone who sees it later or cannot decrypt it.
 */
import { decryptJwe, encryptJwe, type Expiring } from './jose.js';

export const appKeyLifetimeMs = 60_000;

interface AppKeyPayload extends Expiring {
  api_key: string;
}

export function encryptAppKey(apiKey: string, key: Buffer): string {
  return encryptJwe(
    { api_key: apiKey, exp: Math.floor((Date.now() + appKeyLifetimeMs) / 1000) } as AppKeyPayload,
    key,
  );
}

/** The API key, or undefined when the value was not made by this deployment or has expired. */
export function decryptAppKey(value: string, key: Buffer): string | undefined {
  const payload = decryptJwe<AppKeyPayload>(value, key);
  return typeof payload?.api_key === 'string' ? payload.api_key : undefined;
}
