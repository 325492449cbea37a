/** Where to go after signing in: only a path on this site (the SDK's rule), never the sign-in flow. */
import { safeRedirectPath } from '../../../src/sdk/safe-redirect.js';

export function safeRedirect(target: string | null | undefined, fallback = '/workspaces'): string {
  const path = safeRedirectPath(target, fallback);
  // Paths of the sign-in flow itself would loop.
  return /^\/(login|setup)(\/|\?|#|$)/.test(path) ? fallback : path;
}
