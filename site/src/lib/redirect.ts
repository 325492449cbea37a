/** Where to go after signing in: only a path on this site, never another origin. */
export function safeRedirect(target: string | null | undefined, fallback = '/workspaces'): string {
  if (!target || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\'))
    return fallback;
  // Paths of the sign-in flow itself would loop.
  if (/^\/(login|setup)(\/|\?|$)/.test(target)) return fallback;
  return target;
}
