/**
 * The dashboard's API client: the SDK's typed client on the page's own origin, authenticated by
 * the HttpOnly session cookie (never a token in script-readable storage). A 401 from any call
 * other than signing in tells the app the session is gone, so it can send the user to sign in.
 */
import type { RequestOptions } from '../../../src/sdk/client.js';
import { HangarClient } from '../../../src/sdk/hangar-client.js';
import { HangarError } from '../../../src/sdk/errors.js';
import { CsrfTokenCookie, CsrfTokenHeader } from '../../../src/sdk/headers.js';

function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export class DashboardClient extends HangarClient {
  /** Set by the auth provider. */
  onSessionLost: (() => void) | undefined;

  override async fetchRaw(
    method: string,
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<Response> {
    // Servers that use a double-submit CSRF token set it as a script-readable cookie; echo it.
    const csrf = readCookie(CsrfTokenCookie);
    if (csrf) options = { ...options, headers: { ...options.headers, [CsrfTokenHeader]: csrf } };
    try {
      return await super.fetchRaw(method, path, body, options);
    } catch (err) {
      if (errorCode(err) === 'unauthenticated' && !/^\/users\/(login|first)$/.test(path))
        this.onSessionLost?.();
      throw err;
    }
  }
}

export const api = new DashboardClient(window.location.origin);

export function errorCode(err: unknown): string | undefined {
  return err instanceof HangarError ? err.code : undefined;
}

/** A HangarError as is; anything else (a network failure, a bug) as a plain message. */
export function asApiError(err: unknown): HangarError | Error {
  return err instanceof Error ? err : new Error(String(err));
}
