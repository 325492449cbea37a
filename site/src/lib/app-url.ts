/**
 * Where a workspace app button leads. The URL formats are the SDK's (src/sdk/app-url.ts, the code
 * coderd parses them with); this decides which one an app uses, and when it cannot open.
 */
import { formatSubdomainApp, pathAppBase } from '../../../src/sdk/app-url.js';
import type { WorkspaceApp } from '../../../src/sdk/workspaces.js';

export interface AppTarget {
  owner: string;
  workspace: string;
  agent: string;
}

export type AppLink = { href: string } | { disabled: string };

/** The web terminal's page: `/@owner/workspace.agent/terminal` (optionally running a command). */
export function terminalHref(t: AppTarget, command?: string): string {
  const e = encodeURIComponent;
  const base = `/@${e(t.owner)}/${e(t.workspace)}.${e(t.agent)}/terminal`;
  return command ? `${base}?command=${e(command)}` : base;
}

const unsafeSchemes = /^\s*(javascript|data|vbscript|file):/i;

/**
 * The URL an app opens. `appsHost` is the deployment's wildcard host (`*.apps.example.com`, empty
 * when subdomain apps are not configured); `location` is the dashboard's own URL.
 */
export function appLink(app: WorkspaceApp, t: AppTarget, appsHost: string, location: URL): AppLink {
  if (app.external) {
    if (!app.url || unsafeSchemes.test(app.url)) return { disabled: 'The app has no usable URL.' };
    return { href: app.url };
  }
  if (app.command && !app.url) return { href: terminalHref(t, app.command) };
  if (app.subdomain) {
    if (!appsHost)
      return { disabled: 'Subdomain apps need a wildcard access URL, which this deployment lacks.' };
    const name =
      app.subdomain_name ||
      formatSubdomainApp({
        prefix: '',
        appSlugOrPort: app.slug,
        agentName: t.agent,
        workspaceName: t.workspace,
        username: t.owner,
      });
    return { href: `${location.protocol}//${appsHost.replace('*', name)}/` };
  }
  return { href: `${pathAppBase(t.owner, t.workspace, t.agent, app.slug)}/` };
}
