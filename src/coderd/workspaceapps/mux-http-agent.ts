/**
 * HTTP connection pools whose "sockets" are tunnel streams (ADR 0040): each new connection to an
 * app is a `tcp:HOST:PORT` stream opened over the agent's control connection, dialed by the agent
 * inside the workspace (so `localhost` means the workspace's). Idle connections are kept and
 * reused, so a page's many requests do not each cost a stream open and an agent-side dial. HTTPS
 * upstreams (`8443s` ports, `https://` app URLs) get TLS over the stream without certificate
 * checks, as Coder's proxy does: the app is addressed inside the workspace, by name or loopback.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { tcpTarget, type Mux } from '../../sdk/tunnel/index.js';

/** Idle pooled connections are closed after this long. */
const idleTimeoutMs = 30_000;

/**
 * Gives a tunnel stream what node:http's client and Agent call on sockets (keep-alive, Nagle,
 * ref counting are the WebSocket's business, so they do nothing; the idle timeout is real).
 */
function asSocket(stream: Duplex): Duplex {
  let timer: NodeJS.Timeout | undefined;
  let ms = 0;
  const arm = () => {
    clearTimeout(timer);
    if (ms > 0) timer = setTimeout(() => stream.emit('timeout'), ms).unref();
  };
  stream.on('data', arm);
  stream.on('close', () => clearTimeout(timer));
  return Object.assign(stream, {
    setKeepAlive: () => stream,
    setNoDelay: () => stream,
    ref: () => stream,
    unref: () => stream,
    setTimeout(timeout: number, cb?: () => void) {
      ms = timeout;
      if (cb) stream.once('timeout', cb);
      arm();
      return stream;
    },
  });
}

function openStream(mux: Mux, host: string, port: number): Duplex {
  return asSocket(mux.open(tcpTarget(host, port)));
}

class MuxHttpAgent extends http.Agent {
  constructor(private readonly mux: Mux) {
    super({ keepAlive: true, maxFreeSockets: 32, timeout: idleTimeoutMs });
  }

  override createConnection(opts: http.ClientRequestArgs): Duplex {
    return openStream(this.mux, opts.host ?? 'localhost', Number(opts.port ?? 80));
  }
}

class MuxHttpsAgent extends https.Agent {
  constructor(private readonly mux: Mux) {
    super({ keepAlive: true, maxFreeSockets: 32, timeout: idleTimeoutMs, rejectUnauthorized: false });
  }

  override createConnection(opts: https.RequestOptions): Duplex {
    const host = opts.host ?? 'localhost';
    return tls.connect({
      socket: openStream(this.mux, host, Number(opts.port ?? 443)),
      servername: net.isIP(host) ? undefined : host,
      rejectUnauthorized: false,
    });
  }
}

export interface MuxAgents {
  http: http.Agent;
  https: https.Agent;
}

const pools = new WeakMap<Mux, MuxAgents>();

/** The connection pools of one agent connection; they are destroyed when it closes. */
export function muxAgents(mux: Mux): MuxAgents {
  let agents = pools.get(mux);
  if (!agents) {
    const created = { http: new MuxHttpAgent(mux), https: new MuxHttpsAgent(mux) };
    agents = created;
    pools.set(mux, created);
    mux.onClose(() => {
      created.http.destroy();
      created.https.destroy();
    });
  }
  return agents;
}

/** A one-off connection (WebSocket upgrades, which leave the pool anyway). */
export function muxConnection(mux: Mux, url: URL): Duplex {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const stream = openStream(mux, url.hostname.replace(/^\[|\]$/g, ''), port);
  if (url.protocol !== 'https:') return stream;
  return tls.connect({ socket: stream, rejectUnauthorized: false });
}
