/**
 * Links of `external` apps. `$SESSION_TOKEN` in an external app's URL is replaced by a session
 * token only for schemes that open a local desktop tool (VS Code, JetBrains Gateway, …); for any
 * other scheme, such as an `https://` link that would hand the token to a web site, it is left as
 * is (Coder advisory GHSA-v54h-cp2w-9x4g).
 */
export const sessionTokenSchemes = [
  'vscode',
  'vscode-insiders',
  'vscodium',
  'cursor',
  'windsurf',
  'positron',
  'kiro',
  'jetbrains',
  'jetbrains-gateway',
] as const;

export const sessionTokenPlaceholder = '$SESSION_TOKEN';

/** True when the URL's scheme may carry a session token. */
export function mayCarrySessionToken(url: string): boolean {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  return !!scheme && (sessionTokenSchemes as readonly string[]).includes(scheme);
}

/** The URL to open: the token substituted where allowed; `token` is asked for only then. */
export async function externalAppHref(url: string, token: () => Promise<string>): Promise<string> {
  if (!url.includes(sessionTokenPlaceholder) || !mayCarrySessionToken(url)) return url;
  const t = await token();
  return url.split(sessionTokenPlaceholder).join(encodeURIComponent(t));
}
