/** Where a workspace app button leads (Coder's URL formats, coder-behaviour.md §8.1). */
import type { WorkspaceApp } from '../../../src/sdk/workspaces.js';

export interface AppTarget {
  owner: string;
  workspace: string;
  agent: string;
}

export type AppLink = { href: string } | { disabled: string };

/** The web terminal's page: `/@owner/workspace.agent/terminal` (optionally running a command). */
export function terminalHref(t: AppTarget, command?: string): string {
  const base = `/@${encodeURIComponent(t.owner)}/${encodeURIComponent(t.workspace)}.${encodeURIComponent(t.agent)}/terminal`;
  return command ? `${base}?command=${encodeURIComponent(command)}` : base;
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
    const name = app.subdomain_name || `${app.slug}--${t.agent}--${t.workspace}--${t.owner}`;
    return { href: `${location.protocol}//${appsHost.replace('*', name)}/` };
  }
  return {
    href: `/@${encodeURIComponent(t.owner)}/${encodeURIComponent(t.workspace)}.${encodeURIComponent(t.agent)}/apps/${encodeURIComponent(app.slug)}/`,
  };
}
