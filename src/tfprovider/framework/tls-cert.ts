/**
 * A throw-away self-signed server certificate for go-plugin's AutoMTLS. Node cannot build X.509
 * certificates, and the libraries that can cost 100+ ms to load, so this writes the few DER
 * structures by hand (ECDSA P-256, SAN "localhost" — Go rejects certificates that rely on the
 * common name alone). Takes a few milliseconds.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

export interface ServerCertificate {
  /** PEM, for grpc-js. */
  certPem: string;
  keyPem: string;
  /** DER, for the handshake line. */
  certDer: Buffer;
}

const oid = {
  ecdsaWithSha256: [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02],
  commonName: [0x55, 0x04, 0x03],
  subjectAltName: [0x55, 0x1d, 0x11],
};

function tlv(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  const len =
    n < 0x80
      ? [n]
      : n < 0x100
        ? [0x81, n]
        : n < 0x10000
          ? [0x82, n >> 8, n & 0xff]
          : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
}

const seq = (...parts: Buffer[]) => tlv(0x30, ...parts);
const oidOf = (bytes: number[]) => tlv(0x06, Buffer.from(bytes));

function utcTime(d: Date): Buffer {
  const s = d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  return tlv(0x17, Buffer.from(s, 'ascii'));
}

/**
 * A DER INTEGER holding the unsigned big-endian `bytes`. DER allows exactly one encoding: no
 * leading zero byte unless the next byte has its top bit set (which would read as negative).
 * OpenSSL and Go both reject anything else, so a random serial must go through here.
 */
export function unsignedInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const digits = bytes.subarray(start);
  return tlv(0x02, digits[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), digits]) : digits);
}

/** `serial` is the certificate's serial number, random unless a test picks one. */
export function generateServerCertificate(now = new Date(), serial = randomBytes(16)): ServerCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const sigAlg = seq(oidOf(oid.ecdsaWithSha256));
  const name = seq(tlv(0x31, seq(oidOf(oid.commonName), tlv(0x0c, Buffer.from('localhost')))));
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(now.getTime() + 365 * 24 * 3600_000);
  const san = seq(oidOf(oid.subjectAltName), tlv(0x04, seq(tlv(0x82, Buffer.from('localhost')))));
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // v3
    unsignedInteger(serial),
    sigAlg,
    name,
    seq(utcTime(notBefore), utcTime(notAfter)),
    name,
    spki,
    tlv(0xa3, seq(san)),
  );
  const signature = sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' });
  const certDer = seq(tbs, sigAlg, tlv(0x03, Buffer.from([0]), signature));
  const b64 = certDer.toString('base64').replace(/(.{64})/g, '$1\n');
  const certPem = `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  return { certPem, keyPem, certDer };
}

/** go-plugin decodes the handshake certificate with Go's RawStdEncoding: base64 without padding. */
export function rawBase64(der: Buffer): string {
  return der.toString('base64').replace(/=+$/, '');
}
