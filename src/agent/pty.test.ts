import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnPty } from './pty.js';

for (const backend of ['node-pty', 'python3'] as const)
  test(`a terminal via ${backend}: size, input, resize, exit status`, async () => {
    const p = await spawnPty(
      '/bin/sh',
      ['-c', 'stty size; read x; echo got-$x; read y; stty size; exit 3'],
      { cols: 100, rows: 30, cwd: '/', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm' } },
      backend,
    );
    let out = '';
    p.onData((d) => (out += d.toString()));
    const exited = new Promise<number>((resolve) => p.onExit((e) => resolve(e.exitCode)));
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 200 && !re.test(out); i++) await sleep(25);
      assert.match(out, re);
    };
    await waitFor(/30 100/);
    p.write('hello\r');
    await waitFor(/got-hello/);
    p.resize(132, 40);
    await sleep(100);
    p.write('\r');
    await waitFor(/40 132/);
    assert.equal(await exited, 3);
  });
