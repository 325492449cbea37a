import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkNativeMasking, parseTarget, parseTcpTarget, targetProblem, tcpTarget } from './index.js';

test('targets: schemes, tcp host:port (IPv6 in brackets), query parameters', () => {
  assert.deepEqual(parseTcpTarget('tcp:127.0.0.1:8080'), { host: '127.0.0.1', port: 8080 });
  assert.deepEqual(parseTcpTarget(tcpTarget('::1', 22)), { host: '::1', port: 22 });
  const pty = parseTarget('pty?reconnect=0b6d&width=80&height=24');
  assert.equal(pty.scheme, 'pty');
  assert.equal(pty.params.get('width'), '80');
  assert.equal(parseTarget('ssh').scheme, 'ssh');
  assert.throws(() => parseTcpTarget('tcp:127.0.0.1:0'), /not HOST:PORT/);
  assert.throws(() => parseTcpTarget('tcp:127.0.0.1:70000'), /not HOST:PORT/);
  assert.throws(() => parseTcpTarget('ssh'), /not a tcp target/);
  assert.match(targetProblem('') ?? '', /empty/);
  assert.match(targetProblem('tcp:a\nb:1') ?? '', /control/);
  assert.match(targetProblem('x'.repeat(1025)) ?? '', /longer/);
  assert.match(targetProblem('9tcp:1') ?? '', /scheme/);
});

test('ws masks in native code on this machine (bufferutil)', () => {
  assert.deepEqual(checkNativeMasking(), { native: true });
});
