/**
 * Stream targets: the UTF-8 string an OPEN frame carries, which the acceptor interprets.
 * Grammar: `scheme[:rest][?query]`, with scheme `[a-z][a-z0-9-]*`, at most 1024 bytes and no
 * control characters. Known schemes: `tcp:HOST:PORT` (IPv6 hosts in brackets), `ssh`,
 * `pty?reconnect=<uuid>&width=80&height=24`, `rpc:METHOD` (rpc.ts); the acceptor rejects the ones it does not serve.
 */
import { Buffer } from 'node:buffer';
import { maxTargetBytes } from './frames.js';

export interface Target {
  scheme: string;
  /** What follows `scheme:` up to the query, or '' */
  rest: string;
  params: URLSearchParams;
}

export interface TcpTarget {
  host: string;
  port: number;
}

/** Returns why `target` is not a valid target string, or undefined when it is. */
export function targetProblem(target: string): string | undefined {
  if (target.length === 0) return 'the target is empty';
  if (Buffer.byteLength(target, 'utf8') > maxTargetBytes)
    return `the target is longer than ${maxTargetBytes} bytes`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(target)) return 'the target contains control characters';
  if (!/^[a-z][a-z0-9-]*(?:[:?]|$)/.test(target)) return 'the target does not start with a scheme';
  return undefined;
}

export function parseTarget(target: string): Target {
  const problem = targetProblem(target);
  if (problem) throw new Error(problem);
  const q = target.indexOf('?');
  const head = q < 0 ? target : target.slice(0, q);
  const colon = head.indexOf(':');
  return {
    scheme: colon < 0 ? head : head.slice(0, colon),
    rest: colon < 0 ? '' : head.slice(colon + 1),
    params: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)),
  };
}

export function tcpTarget(host: string, port: number): string {
  return `tcp:${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** `tcp:127.0.0.1:8080` or `tcp:[::1]:22` → host and port; throws with a readable reason. */
export function parseTcpTarget(target: string): TcpTarget {
  const t = parseTarget(target);
  if (t.scheme !== 'tcp') throw new Error(`"${t.scheme}" is not a tcp target`);
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(t.rest);
  const port = Number(m?.[3]);
  if (!m || !(port >= 1 && port <= 65535)) throw new Error(`"${t.rest}" is not HOST:PORT`);
  return { host: m[1] ?? m[2]!, port };
}
