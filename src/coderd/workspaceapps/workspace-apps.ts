/**
 * Serves workspace apps (Coder's workspaceapps.Server): path apps `/@user/workspace[.agent]/apps/
 * slug/…` on the dashboard's origin and, with a wildcard access URL, subdomain apps and port URLs
 * on app hosts. Each request is resolved to an agent and an app URL, by a signed app token from a
 * cookie when it has one for exactly this request, else by the database under the visitor's
 * session and the app's sharing level (workspace-app-policies.ts); then it is proxied through the
 * agent's tunnel (app-proxy.ts). Visitors who must sign in are sent to the dashboard: directly for
 * path apps, through the cross-domain flow of applications.ts for app hosts (§8.3).
 */
import { InvalidInput, Unauthenticated } from '../../sdk/errors.js';
import { SessionTokenCookie, SessionTokenHeader, SessionTokenQuery } from '../../sdk/headers.js';
import {
  appCookieDomain,
  compileHostnamePattern,
  parseAppPort,
  type HostnamePattern,
} from '../../sdk/app-url.js';
import {
  AppConnectKeyParam,
  minimumAppPort,
  SubdomainAppSessionTokenCookie,
} from '../../sdk/workspace-apps.js';
import { withActor } from '../../database/authz/actor-context.js';
import { anonymousActor } from '../../database/authz/actors.js';
import type { AppAccess, WorkspaceAppLookup } from '../../database/queries/workspace-apps.js';
import { AgentNotConnected } from '../agent-connections.js';
import { authenticate } from '../httpmw/api-key.js';
import { clientInfo, type ClientInfo } from '../httpmw/real-ip.js';
import type { Authentication, RequestContext } from '../request-context.js';
import { takeUpgrade } from '../websocket.js';
import { joinAppPath, proxyToApp } from './app-proxy.js';
import {
  parsePathAppRequest,
  parseSubdomainAppRequest,
  type AppRequest,
  type ParsedAppRequest,
} from './app-request.js';
import { decryptAppKey } from './app-key.js';
import { cookieValues } from './cookies.js';
import { appCors, isPreflight, preflightHeaders } from './cors.js';
import { writeAppErrorPage, type AppErrorPage } from './error-page.js';
import { appTokenFor, issueAppToken, setAppTokenCookie } from './signed-app-token.js';

type Handler = (ctx: RequestContext) => Promise<void>;

/** Query parameters that carry credentials: never passed to an app. */
const credentialParams = new Set([SessionTokenQuery, AppConnectKeyParam]);

const notFound: AppErrorPage = {
  status: 404,
  title: 'Application Not Found',
  description:
    'The application or workspace you are trying to access does not exist or you do not have permission to access it.',
};

/** The wildcard access URL, compiled; undefined when subdomain apps are off. */
export function appHostnamePattern(wildcardAccessUrl: string): HostnamePattern | undefined {
  if (!wildcardAccessUrl) return undefined;
  try {
    return compileHostnamePattern(wildcardAccessUrl);
  } catch (err) {
    throw InvalidInput.field('wildcard-access-url', (err as Error).message);
  }
}

/** Decides whether a request is for an app; returns its handler, or undefined for the API. */
export function routeWorkspaceApp(ctx: Pick<RequestContext, 'req' | 'url' | 'api'>): Handler | undefined {
  const { api, req } = ctx;
  const client = clientInfo(req, api.realIp);
  const rawUrl = req.url ?? '/';
  const pattern = api.appHostnamePattern;
  if (pattern && client.host.replace(/:\d+$/, '') !== api.accessUrl.hostname.toLowerCase()) {
    const parsed = parseSubdomainAppRequest(pattern, client.host, rawUrl);
    if (parsed === 'invalid')
      return async (c) =>
        page(c, {
          status: 400,
          title: 'Invalid Application URL',
          description: `"${client.host}" is not an application URL: it must look like ${pattern.pattern.replace('*', '<app>--<agent>--<workspace>--<user>')}.`,
        });
    if (parsed) return (c) => serveSubdomainApp(c, parsed, client, pattern);
  }
  if (/^\/(?:@|%40)/.test(ctx.url.pathname)) {
    const parsed = parsePathAppRequest(rawUrl);
    if (parsed) return (c) => servePathApp(c, parsed, client);
  }
  return undefined;
}

function page(ctx: RequestContext, p: AppErrorPage): void {
  writeAppErrorPage(ctx.res, p, ctx.api.accessUrl);
}

function redirect(ctx: RequestContext, status: 303 | 307, location: string): void {
  ctx.res.writeHead(status, { Location: location, 'Cache-Control': 'no-store', 'Content-Length': 0 });
  ctx.res.end();
}

function withQuery(path: string, query: string): string {
  return query ? `${path}?${query}` : path;
}

/** The raw query without parameters that carry credentials (decoded names compared). */
function stripCredentialParams(query: string): string {
  return query
    .split('&')
    .filter((part) => {
      const name = part.split('=')[0] ?? '';
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // Undecodable names are kept as they are.
      }
      return part !== '' && !credentialParams.has(decoded);
    })
    .join('&');
}

async function servePathApp(
  ctx: RequestContext,
  parsed: ParsedAppRequest,
  client: ClientInfo,
): Promise<void> {
  if (ctx.api.values.disablePathApps)
    return page(ctx, {
      status: 401,
      title: 'Unauthorized',
      description: 'Path-based applications are disabled on this deployment by the administrator.',
    });
  if (parsed.request.usernameOrId.toLowerCase() === 'me')
    return page(ctx, {
      ...notFound,
      description: 'Applications must be opened with the full username, not @me.',
    });
  await serveApp(ctx, parsed, client);
}

async function serveSubdomainApp(
  ctx: RequestContext,
  parsed: ParsedAppRequest,
  client: ClientInfo,
  pattern: HostnamePattern,
): Promise<void> {
  const key = new URLSearchParams(parsed.query).get(AppConnectKeyParam);
  if (key) {
    // Back from the dashboard with an encrypted app key: keep it in a cookie for the app domain
    // and reload without it, so the key never stays in the address bar or reaches the app.
    const token = decryptAppKey(key, ctx.api.keys.appKeyEncryption);
    if (!token)
      return page(ctx, {
        status: 400,
        title: 'Bad Request',
        description: 'Could not decrypt the application key. Remove it from the address and try again.',
      });
    const domain = appCookieDomain(pattern);
    const cookie = [
      `${SubdomainAppSessionTokenCookie}=${token}`,
      'Path=/',
      'HttpOnly',
      'SameSite=Lax',
      ...(domain ? [`Domain=${domain}`] : []),
      ...(ctx.api.values.secureAuthCookie ? ['Secure'] : []),
    ];
    ctx.res.appendHeader('Set-Cookie', cookie.join('; '));
    return redirect(ctx, 307, withQuery(parsed.rest, stripCredentialParams(parsed.query)));
  }
  const cors = appCors(ctx.req, parsed.request, pattern);
  if (cors.length && isPreflight(ctx.req)) {
    for (const [k, v] of [...cors, ...preflightHeaders(ctx.req)]) ctx.res.appendHeader(k, v);
    ctx.res.writeHead(204);
    ctx.res.end();
    return;
  }
  await serveApp(ctx, parsed, client, cors);
}

/** The visitor's session for this kind of app, or undefined (none, expired, revoked). */
async function sessionOf(ctx: RequestContext, request: AppRequest): Promise<Authentication | undefined> {
  const header = ctx.req.headers[SessionTokenHeader.toLowerCase()];
  const cookie = request.accessMethod === 'path' ? SessionTokenCookie : SubdomainAppSessionTokenCookie;
  const token = (typeof header === 'string' && header) || cookieValues(ctx.req.headers.cookie, cookie)[0];
  if (!token) return undefined;
  try {
    return await authenticate(ctx, token);
  } catch (err) {
    if (err instanceof Unauthenticated) return undefined;
    throw err;
  }
}

interface Resolved {
  agentId: string;
  appUrl: string;
}

/** Resolves the request to an agent and app URL, or answers the visitor and returns undefined. */
async function resolve(
  ctx: RequestContext,
  parsed: ParsedAppRequest,
  client: ClientInfo,
): Promise<Resolved | undefined> {
  const { request } = parsed;
  const { api } = ctx;
  const fromCookie = appTokenFor(api.keys.appToken, ctx.req.headers.cookie, request);
  if (fromCookie) return { agentId: fromCookie.agent_id, appUrl: fromCookie.app_url };

  const auth = await sessionOf(ctx, request);
  const port = request.accessMethod === 'subdomain' ? parseAppPort(request.appSlugOrPort) : undefined;
  const lookup: WorkspaceAppLookup = {
    usernameOrId: request.usernameOrId,
    workspaceNameOrId: request.workspaceNameOrId,
    agentNameOrId: request.agentNameOrId,
    slug: request.appSlugOrPort,
    ...(port ? { port: port.port } : {}),
  };
  const access: AppAccess = {
    method: request.accessMethod,
    allowPathAppSharing: api.values.dangerousAllowPathAppSharing,
    allowPathAppSiteOwnerAccess: api.values.dangerousAllowPathAppSiteOwnerAccess,
  };
  const target = await withActor(auth?.actor ?? anonymousActor, () =>
    api.store.getWorkspaceAppForConnection(lookup, access),
  );
  if (!target) {
    if (auth) page(ctx, notFound);
    else signIn(ctx, parsed, client);
    return undefined;
  }
  if (target.transition !== 'start' || !target.agent) {
    page(ctx, {
      status: 400,
      title: 'Workspace Offline',
      description: `The last build of workspace "${target.workspace_name}" was a ${target.transition}. Start the workspace to open its applications.`,
    });
    return undefined;
  }
  const app = target.app;
  if (app && (app.external || !app.url)) {
    page(ctx, {
      status: 400,
      title: 'Not a Proxied Application',
      description: app.external
        ? `"${app.display_name}" is an external link; open it from the dashboard.`
        : `"${app.display_name}" runs a command; open it in the web terminal from the dashboard.`,
    });
    return undefined;
  }
  const appUrl = app?.url ?? `${port!.https ? 'https' : 'http'}://127.0.0.1:${port!.port}`;
  const refusal = appUrlProblem(appUrl);
  if (refusal) {
    page(ctx, { status: 400, title: 'Bad Request', description: refusal });
    return undefined;
  }
  const token = issueAppToken(api.keys.appToken, {
    request,
    user_id: auth?.user.id ?? '',
    workspace_id: target.workspace_id,
    agent_id: target.agent.id,
    app_url: appUrl,
  });
  setAppTokenCookie(ctx.res, token, request.basePath, api.values.secureAuthCookie);
  return { agentId: target.agent.id, appUrl };
}

function appUrlProblem(appUrl: string): string | undefined {
  let u: URL;
  try {
    u = new URL(appUrl);
  } catch {
    return `The application's URL "${appUrl}" is not a valid URL.`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return `The application's URL must be http or https, not "${u.protocol}".`;
  if (u.port && Number(u.port) < minimumAppPort)
    return `Port ${u.port} is not permitted: ports below ${minimumAppPort} are reserved for the agent.`;
  return undefined;
}

/** A visitor without a session: to the dashboard's sign-in (path apps) or the app auth flow. */
function signIn(ctx: RequestContext, parsed: ParsedAppRequest, client: ClientInfo): void {
  const here = withQuery(
    parsed.request.basePath === '/' ? parsed.rest : parsed.request.basePath + parsed.rest,
    stripCredentialParams(parsed.query),
  );
  if (parsed.request.accessMethod === 'path')
    return redirect(ctx, 303, `/login?redirect=${encodeURIComponent(here)}`);
  const target = new URL('/api/v2/applications/auth-redirect', ctx.api.accessUrl);
  target.searchParams.set('redirect_uri', `${client.proto}://${client.host}${here}`);
  redirect(ctx, 303, target.toString());
}

/** App URLs parsed once: every proxied request needs its app's (never mutated). */
const appUrls = new Map<string, URL>();
function parsedAppUrl(url: string): URL {
  let u = appUrls.get(url);
  if (!u) {
    if (appUrls.size >= 4096) appUrls.clear();
    u = new URL(url);
    appUrls.set(url, u);
  }
  return u;
}

async function serveApp(
  ctx: RequestContext,
  parsed: ParsedAppRequest,
  client: ClientInfo,
  cors: [string, string][] = [],
): Promise<void> {
  const resolved = await resolve(ctx, parsed, client);
  if (!resolved) return;
  const appUrl = parsedAppUrl(resolved.appUrl);
  const { basePath } = parsed.request;
  // Apps request paths relative to their root, so the base must end in a slash.
  if (parsed.rest === '') return redirect(ctx, 307, withQuery(`${basePath}/`, parsed.query));
  // Default query parameters of the app URL (code-server's `?folder=`) when none are given.
  if (parsed.rest === '/' && !parsed.query && appUrl.search)
    return redirect(ctx, 307, `${basePath === '/' ? '/' : `${basePath}/`}${appUrl.search}`);
  proxyToApp({
    req: ctx.req,
    res: ctx.res,
    streams: ctx.api.agentConnections,
    agentId: resolved.agentId,
    appUrl,
    path: withQuery(joinAppPath(appUrl.pathname, parsed.rest), stripCredentialParams(parsed.query)),
    client,
    extraHeaders: cors,
    takeSocket: () => {
      const taken = takeUpgrade(ctx);
      ctx.api.agentConnections.trackClientSocket(taken.socket);
      return taken;
    },
    onUnreachable: (err) =>
      err instanceof AgentNotConnected
        ? page(ctx, {
            status: 502,
            title: 'Application Unavailable',
            description:
              "The workspace's agent is not connected. It may still be starting; retry in a moment.",
            retry: true,
          })
        : page(ctx, {
            status: 502,
            title: 'Bad Gateway',
            description: `Failed to proxy the request to the application: ${err.message}.`,
            retry: true,
          }),
  });
}
