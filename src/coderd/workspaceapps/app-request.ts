/**
 * What an app request names (Coder's workspaceapps.Request), parsed from a path app URL or an app
 * host, and compared field by field with the request a signed app token was issued for.
 */
import {
  matchHostnamePattern,
  parsePathApp,
  parseSubdomainApp,
  type HostnamePattern,
} from '../../sdk/app-url.js';

export interface AppRequest {
  accessMethod: 'path' | 'subdomain';
  /** The raw URL base of the app: `/@alice/dev/apps/code` for path apps, `/` for subdomain apps. */
  basePath: string;
  usernameOrId: string;
  workspaceNameOrId: string;
  /** '' when the URL names no agent. */
  agentNameOrId: string;
  appSlugOrPort: string;
  /** Subdomain apps only: '' or `…---`. */
  prefix: string;
}

export interface ParsedAppRequest {
  request: AppRequest;
  /** The raw path after the base ('' means the base without its trailing slash). */
  rest: string;
  /** The raw query, without '?'. */
  query: string;
}

function splitUrl(rawUrl: string): { path: string; query: string } {
  const q = rawUrl.indexOf('?');
  return q < 0 ? { path: rawUrl, query: '' } : { path: rawUrl.slice(0, q), query: rawUrl.slice(q + 1) };
}

export function parsePathAppRequest(rawUrl: string): ParsedAppRequest | undefined {
  const { path, query } = splitUrl(rawUrl);
  const p = parsePathApp(path);
  if (!p) return undefined;
  return {
    request: {
      accessMethod: 'path',
      basePath: p.basePath,
      usernameOrId: p.username,
      workspaceNameOrId: p.workspaceName,
      agentNameOrId: p.agentName,
      appSlugOrPort: p.appSlugOrPort,
      prefix: '',
    },
    rest: p.rest,
    query,
  };
}

/**
 * For a request whose host is under the wildcard: the parsed app, or `invalid` when the host is
 * under the wildcard but is not an app name (a typo: answered, not passed to the API).
 */
export function parseSubdomainAppRequest(
  pattern: HostnamePattern,
  host: string,
  rawUrl: string,
): ParsedAppRequest | 'invalid' | undefined {
  const sub = matchHostnamePattern(pattern, host);
  if (!sub) return undefined;
  const app = parseSubdomainApp(sub);
  if (!app) return 'invalid';
  const { path, query } = splitUrl(rawUrl);
  return {
    request: {
      accessMethod: 'subdomain',
      basePath: '/',
      usernameOrId: app.username,
      workspaceNameOrId: app.workspaceName,
      agentNameOrId: app.agentName,
      appSlugOrPort: app.appSlugOrPort,
      prefix: app.prefix,
    },
    rest: path || '/',
    query,
  };
}

const fields: (keyof AppRequest)[] = [
  'accessMethod',
  'basePath',
  'usernameOrId',
  'workspaceNameOrId',
  'agentNameOrId',
  'appSlugOrPort',
  'prefix',
];

export function sameAppRequest(a: AppRequest, b: AppRequest): boolean {
  return fields.every((f) => a[f] === b[f]);
}
