/**
 * The external daemons' transport: a WebSocket to /organizations/{org}/provisionerdaemons/serve
 * carrying the protocol calls as JSON frames. Authentication failures (401/403) surface as
 * HangarErrors so the daemon stops instead of retrying.
 */
import WebSocket from 'ws';
import { errorForCode, Unavailable, type HangarErrorCode } from '../sdk/errors.js';
import { apiPrefix, ProvisionerKeyHeader, ProvisionerPSKHeader, SessionTokenHeader } from '../sdk/headers.js';
import type {
  DaemonConnection,
  DaemonDialer,
  ProvisionerdHelloFrame,
  ProvisionerdMethod,
  ProvisionerdResponseFrame,
} from '../sdk/provisionerd-protocol.js';
import { provisionerdMaxFrameBytes } from '../sdk/provisionerd-protocol.js';

export interface WebSocketDialerOptions {
  url: string;
  organization: string;
  key?: string;
  psk?: string;
  sessionToken?: string;
}

export function websocketDialer(options: WebSocketDialerOptions): DaemonDialer {
  return (registration) =>
    new Promise<DaemonConnection>((resolve, reject) => {
      const u = new URL(
        `${apiPrefix}/organizations/${encodeURIComponent(options.organization)}/provisionerdaemons/serve`,
        options.url,
      );
      u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
      for (const p of registration.provisioners) u.searchParams.append('provisioner', p);
      for (const [k, v] of Object.entries(registration.tags)) u.searchParams.append('tag', `${k}=${v}`);
      u.searchParams.set('name', registration.name);
      u.searchParams.set('version', registration.version);
      const headers: Record<string, string> = {};
      if (options.key) headers[ProvisionerKeyHeader] = options.key;
      if (options.psk) headers[ProvisionerPSKHeader] = options.psk;
      if (options.sessionToken) headers[SessionTokenHeader] = options.sessionToken;
      const ws = new WebSocket(u, {
        headers,
        perMessageDeflate: false,
        maxPayload: provisionerdMaxFrameBytes,
      });
      const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
      let nextId = 1;
      let opened = false;
      let onClosed!: () => void;
      const closed = new Promise<void>((r) => (onClosed = r));

      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          let message = `The server answered ${res.statusCode} to the daemon connection.`;
          let detail: string | undefined;
          try {
            const parsed = JSON.parse(body) as { message?: string; detail?: string };
            message = parsed.message ?? message;
            detail = parsed.detail;
          } catch {
            // Not a Hangar error body; keep the status line.
          }
          const code: HangarErrorCode =
            res.statusCode === 400
              ? 'invalid_input'
              : res.statusCode === 401
                ? 'unauthenticated'
                : res.statusCode === 403
                  ? 'forbidden'
                  : res.statusCode === 404
                    ? 'not_found'
                    : 'unavailable';
          reject(errorForCode(code, message, { detail }));
          ws.terminate();
        });
      });
      ws.on('error', (err) => {
        if (!opened) reject(new Unavailable(`Could not reach ${options.url}: ${err.message}`));
      });
      ws.on('close', (code, reason) => {
        const err = new Unavailable(`The connection to coderd closed (${code} ${reason.toString()}).`);
        for (const p of pending.values()) p.reject(err);
        pending.clear();
        onClosed();
      });
      const call = (method: ProvisionerdMethod, params?: unknown): Promise<unknown> =>
        new Promise((res, rej) => {
          if (ws.readyState !== ws.OPEN) return rej(new Unavailable('The connection to coderd is closed.'));
          const id = nextId++;
          pending.set(id, { resolve: res, reject: rej });
          ws.send(JSON.stringify({ id, method, params }));
        });
      ws.on('message', (data) => {
        const msg = JSON.parse((data as Buffer).toString('utf8')) as
          ProvisionerdResponseFrame | ProvisionerdHelloFrame;
        if ('hello' in msg) {
          opened = true;
          resolve({
            daemonId: msg.hello.daemon_id,
            closed,
            close: () => ws.close(1000),
            async acquireJob(signal) {
              const onAbort = () => void call('cancel_acquire').catch(() => {});
              signal.addEventListener('abort', onAbort, { once: true });
              try {
                return (
                  ((await call('acquire')) as Awaited<ReturnType<DaemonConnection['acquireJob']>>) ??
                  undefined
                );
              } finally {
                signal.removeEventListener('abort', onAbort);
              }
            },
            updateJob: (req) => call('update', req) as ReturnType<DaemonConnection['updateJob']>,
            completeJob: (req) => call('complete', req).then(() => undefined),
            failJob: (req) => call('fail', req).then(() => undefined),
          });
          return;
        }
        const p = pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id);
        if (msg.error)
          p.reject(errorForCode(msg.error.code, msg.error.message, { detail: msg.error.detail }));
        else p.resolve(msg.result);
      });
    });
}
