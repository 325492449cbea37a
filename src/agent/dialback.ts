/**
 * The agent's side of a dial-back stream (ADR 0053): coderd asks over the control connection
 * (`rpc:dialback`) for one `tcp:` stream; the agent dials the target, then dials coderd back with
 * a raw-Upgrade connection that presents the one-time stream id and the agent token, and joins
 * the two sockets. Bulk bytes then cross plain TCP sockets on both of coderd's legs instead of
 * the multiplexer's frames. Nothing listens in the workspace: both connections are outgoing.
 */
import type { Socket } from 'node:net';
import type { DialbackRequest, DialbackResult } from '../sdk/agent-api.js';
import { SessionTokenHeader } from '../sdk/headers.js';
import { dialRawUpgrade, dialTcp, parseTarget, parseTcpTarget, spliceStreams } from '../sdk/tunnel/index.js';

export interface DialbackOptions {
  /** Where to dial back for a stream id (AgentClient.dialbackUrl). */
  url(stream: string): URL;
  token: string;
  /** Refuses a target the agent must not reach (agentTcpTargetProblem); called before dialing. */
  check(host: string, port: number): void;
  /** A joined stream, for the stats report (its connection count and bytes). */
  onStream(back: Socket): void;
}

function parseRequest(params: unknown): DialbackRequest {
  const p = (params ?? {}) as Partial<DialbackRequest>;
  if (typeof p.stream !== 'string' || !/^[A-Za-z0-9_-]{16,64}$/.test(p.stream))
    throw new Error('dialback: "stream" must be the id coderd issued');
  if (typeof p.target !== 'string' || parseTarget(p.target).scheme !== 'tcp')
    throw new Error('dialback: "target" must be a tcp: target');
  return { stream: p.stream, target: p.target };
}

/**
 * Serves one request. A target that cannot be reached fails the call with the same reason the
 * multiplexer would give ("connection refused on 127.0.0.1:8080"); a dial-back coderd does not
 * accept (another replica behind a balancer, a proxy that refuses the Upgrade) closes the target
 * socket and answers `fallback`, so coderd opens the stream over the multiplexer instead.
 */
export async function serveDialback(params: unknown, opts: DialbackOptions): Promise<DialbackResult> {
  const { stream, target } = parseRequest(params);
  const { host, port } = parseTcpTarget(target);
  opts.check(host, port);
  const sock = await dialTcp(host, port);
  let back: Socket;
  try {
    back = await dialRawUpgrade(opts.url(stream), { headers: { [SessionTokenHeader]: opts.token } });
  } catch (err) {
    sock.destroy();
    return { fallback: (err as Error).message };
  }
  opts.onStream(back);
  void spliceStreams(back, sock);
  return { dialed_back: true };
}
