/**
 * Where a sign-in may send the browser afterwards: only a path on the same origin. Absolute URLs,
 * protocol-relative `//host` and `/\host` (which browsers treat as `//host`), and anything with
 * control characters fall back, so a crafted link cannot turn sign-in into an open redirect
 * (Coder advisory GHSA-wcx9-ccpj-hx3c).
 */
export function safeRedirectPath(redirect: string | null | undefined, fallback = '/'): string {
  if (!redirect || !redirect.startsWith('/')) return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(redirect) || redirect.startsWith('//')) return fallback;
  try {
    const base = 'http://hangar.invalid';
    const u = new URL(redirect, base);
    return u.origin === base ? `${u.pathname}${u.search}${u.hash}` : fallback;
  } catch {
    return fallback;
  }
}
