/**
 * Serves the dashboard's production build (site/dist) from the API's origin (Coder's site/site.go):
 * hashed files under /assets/ are cached for a year, everything else revalidates by ETag, and any
 * other GET that no API route matched gets index.html so the single-page app routes it (deep links,
 * reloads). Files are read once at start-up with the gzip and brotli forms the build wrote beside
 * them (`x.js.gz`, `x.js.br`), so a request costs a map lookup; a rebuild needs a restart.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

interface SiteFile {
  body: Buffer;
  gzip?: Buffer;
  br?: Buffer;
  etag: string;
  type: string;
  cacheControl: string;
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};
/** Extensions of files the build emits: a missing one is a 404, never the app's HTML. */
const staticExt = /\.(js|css|map|svg|png|ico|woff2?|json|txt)$/;

/** Vite names every emitted asset after its content hash, so it never changes under one URL. */
const immutable = 'public, max-age=31536000, immutable';
const revalidate = 'no-cache';

/**
 * The dashboard may load only its own scripts; styles may be inline (React style attributes, the
 * terminal), images may come from template icon URLs, and it talks only to this origin.
 */
export const dashboardCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const notBuiltPage = `<!doctype html><meta charset="utf-8"><title>Hangar</title>
<p>The dashboard is not built. Run <code>npm run build</code> and restart <code>hangar server</code>;
the API is at <a href="/api/v2/buildinfo">/api/v2</a>.</p>`;

/** site/dist of the repository, from dist/src/coderd (compiled) or src/coderd. */
export function defaultSiteDir(): string {
  const candidates = ['../../../site/dist', '../../site/dist'].map((p) =>
    path.resolve(import.meta.dirname, p),
  );
  return candidates.find((d) => existsSync(path.join(d, 'index.html'))) ?? candidates[0]!;
}

function load(file: string, rel: string): SiteFile {
  const body = readFileSync(file);
  const f: SiteFile = {
    body,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    type: types[path.extname(file)] ?? 'application/octet-stream',
    cacheControl: rel.startsWith('assets/') ? immutable : revalidate,
  };
  if (existsSync(`${file}.gz`)) f.gzip = readFileSync(`${file}.gz`);
  if (existsSync(`${file}.br`)) f.br = readFileSync(`${file}.br`);
  return f;
}

function walk(dir: string, base: string, out: Map<string, SiteFile>): void {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const rel = path.posix.join(base, name);
    if (statSync(full).isDirectory()) walk(full, rel, out);
    else if (!/\.(gz|br)$/.test(name)) out.set('/' + rel, load(full, rel));
  }
}

export class Site {
  private constructor(
    private readonly files: Map<string, SiteFile>,
    private readonly index: SiteFile,
  ) {}

  /** Loads a build folder; a missing build gives a site whose every page says how to build it. */
  static load(dir: string): Site {
    const files = new Map<string, SiteFile>();
    if (existsSync(path.join(dir, 'index.html'))) walk(dir, '', files);
    const index = files.get('/index.html') ?? {
      body: Buffer.from(notBuiltPage),
      etag: '"not-built"',
      type: types['.html']!,
      cacheControl: revalidate,
    };
    return new Site(files, index);
  }

  /** Whether the site answers this request: GET/HEAD outside the API and the agent artifacts. */
  handles(method: string, pathname: string): boolean {
    if (method !== 'GET' && method !== 'HEAD') return false;
    return !/^\/(api|bin)(\/|$)/.test(pathname);
  }

  serve(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    let file = pathname === '/index.html' ? undefined : this.files.get(pathname);
    if (!file) {
      // A missing asset is a 404, never the app's HTML: a stale tab after an upgrade would
      // otherwise run index.html as JavaScript.
      if (pathname.startsWith('/assets/') || staticExt.test(pathname)) {
        res.statusCode = 404;
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end('Not found.\n');
        return;
      }
      file = this.index;
    }
    res.setHeader('Cache-Control', file.cacheControl);
    res.setHeader('ETag', file.etag);
    res.setHeader('Vary', 'Accept-Encoding');
    if (file === this.index) {
      res.setHeader('Content-Security-Policy', dashboardCsp);
      res.setHeader('X-Frame-Options', 'DENY');
    }
    if (req.headers['if-none-match'] === file.etag) {
      res.statusCode = 304;
      res.end();
      return;
    }
    const accept = String(req.headers['accept-encoding'] ?? '');
    let body = file.body;
    if (file.br && /\bbr\b/.test(accept)) {
      body = file.br;
      res.setHeader('Content-Encoding', 'br');
    } else if (file.gzip && /\bgzip\b/.test(accept)) {
      body = file.gzip;
      res.setHeader('Content-Encoding', 'gzip');
    }
    res.statusCode = 200;
    res.setHeader('Content-Type', file.type);
    res.setHeader('Content-Length', body.length);
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}
