import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { shellQuote } from './shell-quote.js';

test('quoted values reach sh unchanged, whatever they contain', () => {
  for (const value of ['plain', "it's", '$(id) `id` $HOME', 'a b\n\tc', '\'"\\', '', '-n']) {
    const out = execFileSync('sh', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' });
    assert.equal(out, value);
  }
  assert.throws(() => shellQuote('a\0b'), /NUL/);
});
