/**
 * Who sent a request and to which host, believing forwarding headers only from a trusted proxy
 * (`--proxy-trusted-origins` CIDRs) and only the headers it is trusted to set
 * (`--proxy-trusted-headers`). From anyone else `X-Forwarded-Host`, `X-Forwarded-For` and the like
 * are ignored, so a client cannot pick which app a request is routed to or which address it
 * claims (Coder advisory GHSA-5g4w-3vw9-478w).
 */
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import { InvalidInput } from '../../sdk/errors.js';

export interface RealIpConfig {
  /** Undefined when no proxy is trusted (the common case, and the cheap one). */
  trustedOrigins: net.BlockList | undefined;
  /** Lower-case header names. */
  trustedHeaders: Set<string>;
}

export interface ClientInfo {
  ip: string;
  /** The Host the client addressed (with port, lower case). */
  host: string;
  proto: 'http' | 'https';
  /** The forwarded-for chain to pass on (the trusted proxy's chain, then the peer). */
  forwardedFor: string;
}

/** Every header that claims something about the original client or request. */
export const forwardingHeaders = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-real-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'x-client-ip',
];

const unmapped = (ip: string) => ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');

/** Parses the two options; throws naming the option when a CIDR is malformed. */
export function parseRealIpConfig(trustedHeaders: string, trustedOrigins: string): RealIpConfig {
  const list = new net.BlockList();
  let any = false;
  for (const cidr of trustedOrigins
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [addr, bits] = cidr.split('/');
    const family = net.isIP(addr ?? '');
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    if (!family || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32))
      throw InvalidInput.field('proxy-trusted-origins', `"${cidr}" is not an IP address or CIDR.`);
    list.addSubnet(addr!, prefix, family === 6 ? 'ipv6' : 'ipv4');
    any = true;
  }
  const headers = new Set(
    trustedHeaders
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  return { trustedOrigins: any ? list : undefined, trustedHeaders: headers };
}

function isTrustedPeer(cfg: RealIpConfig, peer: string): boolean {
  if (!cfg.trustedOrigins) return false;
  const family = net.isIP(peer);
  return family !== 0 && cfg.trustedOrigins.check(peer, family === 6 ? 'ipv6' : 'ipv4');
}

export function clientInfo(req: IncomingMessage, cfg: RealIpConfig): ClientInfo {
  const peer = unmapped(req.socket.remoteAddress ?? '');
  const direct: ClientInfo = {
    ip: peer,
    host: (req.headers.host ?? '').toLowerCase(),
    proto: (req.socket as TLSSocket).encrypted ? 'https' : 'http',
    forwardedFor: peer,
  };
  if (!isTrustedPeer(cfg, peer)) return direct;
  const trusted = (name: string): string | undefined => {
    if (!cfg.trustedHeaders.has(name)) return undefined;
    const v = req.headers[name];
    return (Array.isArray(v) ? v.join(', ') : v)?.trim() || undefined;
  };
  const chain = trusted('x-forwarded-for');
  const first = chain?.split(',')[0]?.trim();
  const ip =
    trusted('cf-connecting-ip') ??
    trusted('true-client-ip') ??
    trusted('x-real-ip') ??
    (first && net.isIP(first) ? first : undefined) ??
    peer;
  const proto = trusted('x-forwarded-proto')?.split(',')[0]?.trim();
  return {
    ip,
    host: (trusted('x-forwarded-host')?.split(',')[0]?.trim() ?? direct.host).toLowerCase(),
    proto: proto === 'https' || proto === 'http' ? proto : direct.proto,
    forwardedFor: chain ? `${chain}, ${peer}` : peer,
  };
}
