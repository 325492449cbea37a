import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { test } from 'node:test';
import { listeningPorts, parseProcNetTcp } from './listening-ports.js';

test('only LISTEN rows of /proc/net/tcp count, with their hex port and inode', () => {
  const text = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 43210 1 0000000000000000 100 0 0 10 0',
    '   1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 43211 1 0000000000000000 20 4 30 10 -1',
    '   2: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 999 1',
    '',
  ].join('\n');
  assert.deepEqual(parseProcNetTcp(text), [
    { port: 8080, inode: '43210' },
    { port: 22, inode: '999' },
  ]);
});

test('a port another process listens on is listed with its process name; the agent’s own are not', async () => {
  const own = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => own.once('listening', r));
  const ownPort = (own.address() as net.AddressInfo).port;
  const child = spawn(
    process.execPath,
    ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>console.log(s.address().port))"],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const port = Number(await new Promise<string>((r) => child.stdout.once('data', (d) => r(String(d)))));
    const ports = await listeningPorts();
    const found = ports.find((p) => p.port === port);
    assert.deepEqual(found, { process_name: 'node', network: 'tcp', port });
    assert.equal(
      ports.some((p) => p.port === ownPort),
      false,
    );
    assert.deepEqual(
      ports.map((p) => p.port),
      [...new Set(ports.map((p) => p.port))].sort((a, b) => a - b),
      'sorted, each port once',
    );
  } finally {
    child.kill();
    own.close();
  }
});
