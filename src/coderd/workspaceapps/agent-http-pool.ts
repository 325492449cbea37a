/**
 * HTTP connection pools whose connections are streams to workspace agents: each new connection
 * to an app is a `tcp:HOST:PORT` stream from `AgentConnections.openStream`, so over the agent's
 * control connection when it is attached to this replica and relayed through the replica holding
 * it otherwise (ADRs 0040, 0070), and dialed by the agent inside the workspace (so `localhost`
 * means the workspace's). One pool per deployment serves all agents, keyed by agent as well as
 * host and port; idle connections are kept and reused, so a page's many requests do not each cost
 * a stream open and an agent-side dial (nor, when relayed, a connection between replicas). HTTPS
 * upstreams (`8443s` ports, `https://` app URLs) get TLS over the stream without certificate
 * checks, as Coder's proxy does: the app is addressed inside the workspace, by name or loopback.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { tcpTarget } from '../../sdk/tunnel/index.js';

/** Idle pooled connections are closed after this long. */
const idleTimeoutMs = 30_000;

/** Where streams to agents come from (AgentConnections). */
export interface AgentStreams {
  openStream(agentId: string, target: string): Promise<Duplex>;
}

/** Request options for an app: `agentId` names the agent that dials, and keys the pool. */
export interface AppRequestOptions extends https.RequestOptions {
  agentId: string;
}

type OnCreate = (err: Error | null, socket: Duplex) => void;

/**
 * Gives a multiplexed stream what node:http's client and Agent call on sockets (keep-alive,
 * Nagle, ref counting are the control connection's business, so they do nothing; the idle timeout
 * is real). A relayed stream is a real TCP socket already.
 */
function asSocket(stream: Duplex): Duplex {
  if (stream instanceof net.Socket) return stream;
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

async function dial(
  streams: AgentStreams,
  agentId: string,
  host: string,
  port: number,
  secure: boolean,
  pooled: boolean,
): Promise<Duplex> {
  const socket = asSocket(await streams.openStream(agentId, tcpTarget(host, port)));
  // Agent streams stay half-open (SSH needs that), but HTTP/1.1 never half-closes: an app that
  // closed an idle keep-alive connection must not leave a writable corpse in the pool.
  if (pooled) socket.once('end', () => socket.end());
  if (!secure) return socket;
  return tls.connect({ socket, servername: net.isIP(host) ? undefined : host, rejectUnauthorized: false });
}

/**
 * node:http's asynchronous `createConnection`: returns nothing and calls back once the agent
 * dialed (a refusal becomes the request's 'error').
 */
function connect(
  streams: AgentStreams,
  opts: http.ClientRequestArgs,
  secure: boolean,
  pooled: boolean,
  cb?: OnCreate,
): undefined {
  const host = (opts.host ?? 'localhost').replace(/^\[|\]$/g, '');
  const port = Number(opts.port ?? (secure ? 443 : 80));
  dial(streams, (opts as AppRequestOptions).agentId, host, port, secure, pooled).then(
    (socket) => cb?.(null, socket),
    (err: Error) => cb?.(err, undefined as never),
  );
  return undefined;
}

class AgentHttpAgent extends http.Agent {
  constructor(private readonly streams: AgentStreams) {
    super({ keepAlive: true, maxFreeSockets: 32, timeout: idleTimeoutMs });
  }

  override getName(opts: http.ClientRequestArgs = {}): string {
    return `${(opts as AppRequestOptions).agentId}|${super.getName(opts)}`;
  }

  override createConnection(opts: http.ClientRequestArgs, cb?: OnCreate): undefined {
    return connect(this.streams, opts, false, true, cb);
  }
}

class AgentHttpsAgent extends https.Agent {
  constructor(private readonly streams: AgentStreams) {
    super({ keepAlive: true, maxFreeSockets: 32, timeout: idleTimeoutMs, rejectUnauthorized: false });
  }

  override getName(opts: https.RequestOptions = {}): string {
    return `${(opts as AppRequestOptions).agentId}|${super.getName(opts)}`;
  }

  override createConnection(opts: http.ClientRequestArgs, cb?: OnCreate): undefined {
    return connect(this.streams, opts, true, true, cb);
  }
}

export interface AgentHttpPools {
  http: http.Agent;
  https: https.Agent;
}

const pools = new WeakMap<AgentStreams, AgentHttpPools>();

/** The deployment's app connection pools (one pair per AgentConnections). */
export function agentHttpPools(streams: AgentStreams): AgentHttpPools {
  let p = pools.get(streams);
  if (!p) {
    p = { http: new AgentHttpAgent(streams), https: new AgentHttpsAgent(streams) };
    pools.set(streams, p);
  }
  return p;
}

/** A one-off connection outside the pools (WebSocket upgrades, which leave the pool anyway). */
export function agentConnection(streams: AgentStreams, secure: boolean) {
  return (opts: http.ClientRequestArgs, cb?: OnCreate): undefined =>
    connect(streams, opts, secure, false, cb);
}
