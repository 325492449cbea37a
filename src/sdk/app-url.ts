/**
 * Coder's URL formats for workspace apps (coderd/workspaceapps/appurl, coder-behaviour.md §8.1):
 *
 * - path apps: `/@<user>/<workspace>[.<agent>]/apps/<slug>/…` on the dashboard's origin;
 * - subdomain apps and port URLs: `[<prefix>---]<slug-or-port>--<agent>--<workspace>--<user>` in
 *   place of the `*` of the wildcard host (`*.apps.example.com`, or a suffix form such as
 *   `*-apps.example.com`); a port with an `s` suffix (`8443s`) is proxied over HTTPS.
 *
 * Browser-safe: clients build URLs with it, coderd parses them.
 */

/** One name component: letters and digits, single hyphens between them. */
const component = '[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*';
const subdomainPattern = new RegExp(
  `^(?:([^.]+---))?(${component})--(${component})--(${component})--(${component})$`,
);

export interface SubdomainApp {
  /** '' or a prefix ending in `---`. */
  prefix: string;
  appSlugOrPort: string;
  agentName: string;
  workspaceName: string;
  /** A username or a user id. */
  username: string;
}

/** Parses the subdomain part of an app host; undefined when it is not one. */
export function parseSubdomainApp(subdomain: string): SubdomainApp | undefined {
  const m = subdomainPattern.exec(subdomain);
  if (!m) return undefined;
  return {
    prefix: m[1] ?? '',
    appSlugOrPort: m[2]!,
    agentName: m[3]!,
    workspaceName: m[4]!,
    username: m[5]!,
  };
}

export function formatSubdomainApp(app: SubdomainApp): string {
  return `${app.prefix}${app.appSlugOrPort}--${app.agentName}--${app.workspaceName}--${app.username}`;
}

/** `8080` → port 8080 over HTTP, `8443s` → port 8443 over HTTPS; undefined for slugs. */
export function parseAppPort(slugOrPort: string): { port: number; https: boolean } | undefined {
  const m = /^(\d{1,5})(s?)$/.exec(slugOrPort);
  if (!m) return undefined;
  const port = Number(m[1]);
  return port >= 1 && port <= 65535 ? { port, https: m[2] === 's' } : undefined;
}

/** A compiled `--wildcard-access-url` such as `*.apps.example.com` or `*.localhost:3000`. */
export interface HostnamePattern {
  /** As configured, without a scheme: `*.apps.example.com[:port]`. */
  pattern: string;
  /** What follows the `*`, without a port, lower case: `.apps.example.com`. */
  suffix: string;
  /** The port the pattern names, or ''. */
  port: string;
}

/** Throws with a readable reason when the value is not a usable wildcard host. */
export function compileHostnamePattern(value: string): HostnamePattern {
  const pattern = value.replace(/^https?:\/\//, '').replace(/\/$/, '');
  const m = /^\*([a-zA-Z0-9.-]*)(?::(\d{1,5}))?$/.exec(pattern);
  if (!m)
    throw new Error(`"${value}" must start with "*" followed by a host name, e.g. "*.apps.example.com".`);
  const suffix = m[1]!.toLowerCase();
  if (!/^[.-]/.test(suffix) || !/[a-z0-9]$/.test(suffix) || suffix.includes('..'))
    throw new Error(`"${value}" must look like "*.apps.example.com" or "*-apps.example.com".`);
  return { pattern, suffix, port: m[2] ?? '' };
}

/** The subdomain the `*` stands for in `host` (port ignored), or undefined when it does not match. */
export function matchHostnamePattern(p: HostnamePattern, host: string): string | undefined {
  const hostname = host.replace(/:\d+$/, '').toLowerCase();
  if (!hostname.endsWith(p.suffix)) return undefined;
  const sub = hostname.slice(0, hostname.length - p.suffix.length);
  // The `*` stands for exactly one label: no dots.
  return sub && !sub.includes('.') ? sub : undefined;
}

/** The host of an app under the pattern, with the pattern's port: `code--main--dev--alice.apps.example.com`. */
export function appHost(p: HostnamePattern, app: SubdomainApp): string {
  return p.pattern.replace('*', formatSubdomainApp(app));
}

/** The cookie domain shared by every app host of the pattern (`.apps.example.com`), if it has one. */
export function appCookieDomain(p: HostnamePattern): string | undefined {
  // `*.apps.example.com` → `apps.example.com`; `*-apps.example.com` → `example.com`.
  const base = p.suffix.slice(p.suffix.indexOf('.') + 1);
  // A single label (`localhost`) cannot be a cookie domain; such apps get host-only cookies.
  return base.includes('.') ? base : undefined;
}

/** The base of a path app: `/@alice/dev.main/apps/code-server`. */
export function pathAppBase(username: string, workspace: string, agent: string, slug: string): string {
  const e = encodeURIComponent;
  return `/@${e(username)}/${e(workspace)}${agent ? `.${e(agent)}` : ''}/apps/${e(slug)}`;
}

export interface PathApp {
  /** The raw base as requested, e.g. `/%40alice/dev/apps/code`. */
  basePath: string;
  username: string;
  workspaceName: string;
  /** '' when the URL names no agent. */
  agentName: string;
  appSlugOrPort: string;
  /** The raw path after the base: '' (no trailing slash), '/' or '/…'. */
  rest: string;
}

/** Parses a raw request path as a path app; undefined when it is not one. */
export function parsePathApp(rawPath: string): PathApp | undefined {
  const m = /^(\/(?:@|%40)([^/]+)\/([^/]+)\/apps\/([^/]+))(\/.*)?$/.exec(rawPath);
  if (!m) return undefined;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return undefined;
    }
  };
  const [user, workspaceAndAgent, slug] = [decode(m[2]!), decode(m[3]!), decode(m[4]!)];
  if (!user || !workspaceAndAgent || !slug) return undefined;
  const dot = workspaceAndAgent.indexOf('.');
  return {
    basePath: m[1]!,
    username: user,
    workspaceName: dot < 0 ? workspaceAndAgent : workspaceAndAgent.slice(0, dot),
    agentName: dot < 0 ? '' : workspaceAndAgent.slice(dot + 1),
    appSlugOrPort: slug,
    rest: m[5] ?? '',
  };
}
