/**
 * The HTML page a browser gets when an app cannot be opened (Coder's static error page): status,
 * title, a sentence saying why, and a link back to the dashboard. Everything shown is escaped, as
 * app slugs, workspace names and agent error texts come from users and workspaces.
 */
import type { ServerResponse } from 'node:http';

export interface AppErrorPage {
  status: number;
  title: string;
  description: string;
  /** Offer a retry (the condition may pass: the agent is reconnecting, the app starting). */
  retry?: boolean;
}

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c]!);
}

export function renderAppErrorPage(page: AppErrorPage, dashboardUrl: URL): string {
  const e = escapeHtml;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(page.title)} – Hangar</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}
h1{font-size:1.5rem}p{line-height:1.5}a{color:#2457c5}small{color:#666}</style></head>
<body><h1>${e(page.title)}</h1><p>${e(page.description)}</p>
<p>${page.retry ? '<a href="">Retry</a> · ' : ''}<a href="${e(dashboardUrl.toString())}">Back to the dashboard</a></p>
<small>HTTP ${page.status}</small></body></html>
`;
}

export function writeAppErrorPage(res: ServerResponse, page: AppErrorPage, dashboardUrl: URL): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = renderAppErrorPage(page, dashboardUrl);
  res.writeHead(page.status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    // The page runs nothing but its one retry link.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
  res.end(body);
}
