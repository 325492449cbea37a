/**
 * A small app as a workspace would run one: HTTP that reports what it received (method, URL,
 * headers, body hash), a WebSocket echo on `/ws`, a streamed download on `/bytes?n=`, a page
 * whose script uses that WebSocket (`/page`), and responses that try to set CORS headers and
 * Hangar's cookies (`/cors`). Used through the app
 * proxy, so tests can see exactly what reached the app.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

export interface EchoSeen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  bodyBytes: number;
  bodySha256: string;
}

export interface EchoApp {
  port: number;
  url: string;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startEchoApp(port = 0): Promise<EchoApp> {
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://app');
    if (u.pathname === '/bytes') {
      const n = Number(u.searchParams.get('n') ?? 0);
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let left = n;
      const pump = () => {
        while (left > 0) {
          const part = chunk.subarray(0, Math.min(left, chunk.length));
          left -= part.length;
          if (!res.write(part)) return void res.once('drain', pump);
        }
        res.end();
      };
      return pump();
    }
    if (u.pathname === '/page') {
      // A page whose script talks to the app over a WebSocket, and which shows the cookies the app got.
      const cookie = JSON.stringify(req.headers.cookie ?? null).replace(/[<>&]/g, '');
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      return res.end(`<!doctype html><title>echo</title><pre id="seen">${cookie}</pre><pre id="out"></pre>
<script>
const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
ws.onmessage = (e) => { document.getElementById('out').textContent += e.data + '\\n'; };
ws.onopen = () => ws.send('hello from the page');
</script>`);
    }
    if (u.pathname === '/health') {
      res.writeHead(200);
      return res.end('ok');
    }
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (d: Buffer) => {
      bytes += d.length;
      hash.update(d);
    });
    req.on('end', () => {
      const seen: EchoSeen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        bodyBytes: bytes,
        bodySha256: hash.digest('hex'),
      };
      const headers: http.OutgoingHttpHeaders = { 'Content-Type': 'application/json' };
      if (u.pathname === '/cors') {
        headers['Access-Control-Allow-Origin'] = '*';
        headers['Access-Control-Allow-Credentials'] = 'true';
        headers.Vary = 'Origin, Accept-Encoding';
        headers['Set-Cookie'] = ['coder_session_token=planted; Path=/', 'app_cookie=1; Path=/'];
      }
      res.writeHead(200, headers);
      res.end(JSON.stringify(seen));
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/ws')) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.send(JSON.stringify({ hello: req.url, cookie: req.headers.cookie ?? null }));
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  const close = async () => {
    for (const c of wss.clients) c.terminate();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { port: bound, url: `http://127.0.0.1:${bound}`, close, [Symbol.asyncDispose]: close };
}
