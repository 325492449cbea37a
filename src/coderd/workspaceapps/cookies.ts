/**
 * Cookie handling at the app boundary: reading every value of a cookie (paths can make a browser
 * send several with one name) and removing Hangar's own cookies before a request reaches an app,
 * or an app's response tries to set them.
 */
import { CsrfTokenCookie, SessionTokenCookie } from '../../sdk/headers.js';
import {
  PathAppSessionTokenCookie,
  SignedAppTokenCookie,
  SubdomainAppSessionTokenCookie,
} from '../../sdk/workspace-apps.js';

const hangarCookies = new Set(
  [
    SessionTokenCookie,
    SubdomainAppSessionTokenCookie,
    SignedAppTokenCookie,
    PathAppSessionTokenCookie,
    CsrfTokenCookie,
  ].map((n) => n.toLowerCase()),
);

/** Hangar's cookie names, with or without the `__Host-`/`__Secure-` prefixes. */
export function isHangarCookie(name: string): boolean {
  return hangarCookies.has(
    name
      .trim()
      .replace(/^__(?:Host|Secure)-/i, '')
      .toLowerCase(),
  );
}

/** Every value of `name` in a Cookie header, in order. */
export function cookieValues(header: string | undefined, name: string): string[] {
  const out: string[] = [];
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) out.push(part.slice(i + 1).trim());
  }
  return out;
}

/** The Cookie header without Hangar's cookies; undefined when nothing is left. */
export function stripHangarCookies(header: string): string | undefined {
  const kept = header
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p && !isHangarCookie(p.slice(0, Math.max(0, p.indexOf('=')))));
  return kept.length ? kept.join('; ') : undefined;
}

/** True for a Set-Cookie line that would set one of Hangar's cookies. */
export function setsHangarCookie(setCookie: string): boolean {
  return isHangarCookie(setCookie.slice(0, Math.max(0, setCookie.indexOf('='))));
}
