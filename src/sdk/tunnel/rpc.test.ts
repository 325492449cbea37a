import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTunnel } from '../../../test/support/tunnel.js';
import { TunnelError, callRpc, parseTarget, rpcTarget, serveRpc, maxRpcBytes } from './index.js';

test('rpc over a tunnel stream: the reply, the callee’s error, an unknown method, an oversized request', async () => {
  await using t = await startTunnel();
  t.agent.onOpen((target, stream) => {
    const method = parseTarget(target).rest;
    if (method === 'double')
      return void serveRpc(stream, async (p) => ({ twice: (p as { n: number }).n * 2 }));
    if (method === 'fail') return void serveRpc(stream, () => Promise.reject(new Error('no such port')));
    if (method === 'size') return void serveRpc(stream, async () => 'read it all');
    throw new Error(`this agent has no "${method}" method`);
  });
  assert.equal(rpcTarget('double'), 'rpc:double');
  assert.deepEqual(await callRpc(t.relay.open(rpcTarget('double')), { n: 21 }), { twice: 42 });
  await assert.rejects(callRpc(t.relay.open(rpcTarget('fail')), {}), (e: Error) => {
    assert.ok(e instanceof TunnelError);
    assert.equal(e.message, 'no such port');
    return true;
  });
  await assert.rejects(callRpc(t.relay.open(rpcTarget('nope')), {}), /this agent has no "nope" method/);
  await assert.rejects(
    callRpc(t.relay.open(rpcTarget('size')), 'x'.repeat(maxRpcBytes)),
    /larger than|reset|closed/,
  );
  // The tunnel stays usable after each of those.
  assert.deepEqual(await callRpc(t.relay.open(rpcTarget('double')), { n: 1 }), { twice: 2 });
});

test('a callee that never answers times the call out', async () => {
  await using t = await startTunnel();
  t.agent.onOpen((_target, stream) => void stream.on('error', () => {}));
  const started = Date.now();
  await assert.rejects(callRpc(t.relay.open(rpcTarget('slow')), {}, 200), /did not answer within 0.2 s/);
  assert.ok(Date.now() - started < 2_000);
});
