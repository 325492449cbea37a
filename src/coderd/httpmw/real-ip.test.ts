import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { clientInfo, parseRealIpConfig } from './real-ip.js';

function req(remoteAddress: string, headers: Record<string, string>): IncomingMessage {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { socket: { remoteAddress }, headers: lower } as unknown as IncomingMessage;
}

const forged = {
  Host: 'hangar.example',
  'X-Forwarded-For': '6.6.6.6',
  'X-Forwarded-Host': 'app--main--dev--alice.apps.example',
  'X-Forwarded-Proto': 'https',
};

test('forwarding headers from an untrusted peer are ignored (GHSA-5g4w-3vw9-478w)', () => {
  const cfg = parseRealIpConfig('X-Forwarded-For,X-Forwarded-Host,X-Forwarded-Proto', '10.0.0.0/8');
  assert.deepEqual(clientInfo(req('::ffff:192.0.2.7', forged), cfg), {
    ip: '192.0.2.7',
    host: 'hangar.example',
    proto: 'http',
    forwardedFor: '192.0.2.7',
  });
});

test('a trusted proxy is believed, for the headers it is trusted with only', () => {
  const cfg = parseRealIpConfig('X-Forwarded-For,X-Forwarded-Proto', '10.0.0.0/8, ::1');
  assert.deepEqual(clientInfo(req('10.1.2.3', forged), cfg), {
    ip: '6.6.6.6',
    host: 'hangar.example',
    proto: 'https',
    forwardedFor: '6.6.6.6, 10.1.2.3',
  });
  const names = (err: { validations?: { field: string }[] }) =>
    err.validations?.[0]?.field === 'proxy-trusted-origins';
  assert.throws(() => parseRealIpConfig('', '10.0.0.0/33'), names);
  assert.throws(() => parseRealIpConfig('', 'proxy.local'), names);
});
