/**
 * `--tcp` values of `hangar port-forward`, as Coder's parseSrcDestPorts reads them:
 * `PORT` (same port both sides), `LOCAL:REMOTE`, `BIND:PORT`, `BIND:LOCAL:REMOTE`, where a port may
 * be a range `8000-8005` (the other side's range must be as long), BIND an IPv4 address or a
 * bracketed IPv6 one (`[::1]:8080:80`), and the local side binds to 127.0.0.1 unless given.
 */
import net from 'node:net';
import { CliError, ExitCode } from '../../errors.js';

export interface PortMapping {
  /** The --tcp value it came from, for messages. */
  spec: string;
  bindHost: string;
  localPort: number;
  remotePort: number;
}

const defaultBind = '127.0.0.1';

function bad(spec: string, why: string): CliError {
  return new CliError(`Invalid --tcp "${spec}": ${why}.`, {
    exitCode: ExitCode.usage,
    hint: 'Use PORT, LOCAL:REMOTE, BIND:LOCAL:REMOTE, or ranges such as 8000-8005:9000-9005.',
  });
}

function ports(spec: string, text: string): number[] {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!m) throw bad(spec, `"${text}" is not a port or a range of ports`);
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  for (const p of [from, to]) if (p < 1 || p > 65535) throw bad(spec, `${p} is not a port (1-65535)`);
  if (to < from) throw bad(spec, `the range ${text} ends before it starts`);
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Splits off a leading bind address: `[v6]:rest`, or an IPv4 address followed by at least one port. */
function splitBind(spec: string): { bind: string | undefined; rest: string[] } {
  const v6 = /^\[([^\]]*)\]:(.*)$/.exec(spec);
  if (v6) {
    if (net.isIPv6(v6[1]!)) return { bind: v6[1], rest: v6[2]!.split(':') };
    throw bad(spec, `"${v6[1]}" is not an IPv6 address`);
  }
  const parts = spec.split(':');
  if (parts.length === 3) {
    if (!net.isIPv4(parts[0]!)) throw bad(spec, `"${parts[0]}" is not an IP address to listen on`);
    return { bind: parts[0], rest: parts.slice(1) };
  }
  if (parts.length === 2 && net.isIPv4(parts[0]!)) return { bind: parts[0], rest: parts.slice(1) };
  return { bind: undefined, rest: parts };
}

export function parsePortSpec(spec: string): PortMapping[] {
  const { bind, rest } = splitBind(spec.trim());
  if (rest.length < 1 || rest.length > 2 || rest.some((p) => p === ''))
    throw bad(spec, 'expected one or two ports');
  const local = ports(spec, rest[0]!);
  const remote = ports(spec, rest[1] ?? rest[0]!);
  if (local.length !== remote.length)
    throw bad(spec, `${local.length} local ports cannot map to ${remote.length} remote ports`);
  return local.map((localPort, i) => ({
    spec,
    bindHost: bind ?? defaultBind,
    localPort,
    remotePort: remote[i]!,
  }));
}

/** Every mapping of every value; the same local address twice is refused, naming both values. */
export function parsePortSpecs(specs: string[]): PortMapping[] {
  const all = specs.flatMap(parsePortSpec);
  const seen = new Map<string, PortMapping>();
  for (const m of all) {
    const key = `${m.bindHost}|${m.localPort}`;
    const first = seen.get(key);
    if (first)
      throw new CliError(
        `--tcp "${first.spec}" and --tcp "${m.spec}" both listen on ${hostPort(m.bindHost, m.localPort)}.`,
        { exitCode: ExitCode.usage },
      );
    seen.set(key, m);
  }
  return all;
}

export const hostPort = (host: string, port: number) => `${host.includes(':') ? `[${host}]` : host}:${port}`;
