// The provider's hand-written certificate. Its serial is random, so each provider start drew a
// 1-in-256 chance of a serial whose DER encoding OpenSSL rejects ("illegal padding"); the
// provider then exited before its handshake and Terraform reported "Unrecognized remote plugin
// message". These serials are the cases a random draw can hit.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { createSecureContext } from 'node:tls';
import { generateServerCertificate, unsignedInteger } from './tls-cert.js';

const serials = {
  'leading zero byte': '007f1122334455667788990011223344',
  'two leading zero bytes': '0000ff22334455667788990011223344',
  'top bit set': '80aa1122334455667788990011223344',
  'all ones': 'ffffffffffffffffffffffffffffffff',
  small: '00000000000000000000000000000001',
};

for (const [name, hex] of Object.entries(serials)) {
  test(`a certificate whose random serial has ${name} loads into OpenSSL`, () => {
    const cert = generateServerCertificate(new Date(), Buffer.from(hex, 'hex'));
    assert.doesNotThrow(() => createSecureContext({ cert: cert.certPem, key: cert.keyPem }));
    const parsed = new X509Certificate(cert.certDer);
    assert.equal(BigInt(`0x${parsed.serialNumber}`), BigInt(`0x${hex}`));
    assert.equal(parsed.subjectAltName, 'DNS:localhost');
  });
}

test('DER integers are minimal and never negative', () => {
  const enc = (hex: string) => unsignedInteger(Buffer.from(hex, 'hex')).toString('hex');
  assert.equal(enc('007f'), '02017f');
  assert.equal(enc('0080'), '02020080');
  assert.equal(enc('80'), '02020080');
  assert.equal(enc('000000'), '020100');
  assert.equal(enc('0102'), '02020102');
});
