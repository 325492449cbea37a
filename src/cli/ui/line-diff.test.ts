// The unified diff shown before a file is changed, checked hunk for hunk against GNU diff -u.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { unifiedDiff } from './line-diff.js';

async function gnuDiff(a: string, b: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hangar-diff-'));
  try {
    await writeFile(path.join(dir, 'a'), a);
    await writeFile(path.join(dir, 'b'), b);
    const r = spawnSync('diff', ['-u', 'a', 'b'], { cwd: dir, encoding: 'utf8' });
    // Without the ---/+++ lines, which carry timestamps.
    return r.stdout.split('\n').slice(2).join('\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const lines = (n: number, tag = '') => Array.from({ length: n }, (_, i) => `line ${i + 1}${tag}`);

describe('unifiedDiff', () => {
  it('is empty for the same lines', () => {
    assert.equal(unifiedDiff('a\nb\n', 'a\nb\n', { old: 'x', new: 'x' }), '');
  });

  it('matches GNU diff -u on additions, removals, replacements and separate hunks', async () => {
    const base = lines(30);
    const cases: [string[], string[]][] = [
      [[], ['a', 'b']],
      [['a', 'b'], []],
      [base, [...base, 'tail 1', 'tail 2']],
      [base, ['head', ...base]],
      [base, base.filter((_, i) => i !== 14)],
      [base, base.map((l, i) => (i === 2 || i === 25 ? `${l} changed` : l))],
      [base, [...base.slice(0, 10), 'x', 'y', ...base.slice(12, 20), ...base.slice(22), 'z']],
      [
        ['Host a', '# START', 'Host old', '  X 1', '# END', 'Host b'],
        ['Host a', '# START', 'Host new', '  X 1', '  Y 2', '# END', 'Host b'],
      ],
    ];
    for (const [a, b] of cases) {
      const at = a.length ? `${a.join('\n')}\n` : '';
      const bt = b.length ? `${b.join('\n')}\n` : '';
      const ours = unifiedDiff(at, bt, { old: 'a', new: 'b' });
      assert.equal(ours.split('\n').slice(0, 2).join('\n'), '--- a\n+++ b');
      assert.equal(
        ours.split('\n').slice(2).join('\n'),
        await gnuDiff(at, bt),
        `${a.length} → ${b.length} lines`,
      );
    }
  });
});
