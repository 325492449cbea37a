import assert from 'node:assert/strict';
import { test } from 'node:test';
import { palette256, parseAnsi, stripAnsi } from './ansi.js';

test('SGR colours and attributes become styles; reset clears them', () => {
  const { segments, style } = parseAnsi('a\x1b[1;31mred\x1b[0m b \x1b[92mgreen');
  assert.deepEqual(segments, [
    { text: 'a', style: {} },
    { text: 'red', style: { bold: true, fg: 1 } },
    { text: ' b ', style: {} },
    { text: 'green', style: { fg: 10 } },
  ]);
  assert.deepEqual(style, { fg: 10 }, 'the style at the end carries to the next line');
  assert.deepEqual(parseAnsi('still green', style).segments, [{ text: 'still green', style: { fg: 10 } }]);
});

test('256-colour and true-colour codes, and backgrounds', () => {
  const [a, b, c] = parseAnsi('\x1b[38;5;196mx\x1b[48;2;1;2;3my\x1b[38;5;4mz').segments;
  assert.equal(a!.style.fg, 'rgb(255, 0, 0)');
  assert.equal(b!.style.bg, 'rgb(1, 2, 3)');
  assert.equal(c!.style.fg, 4);
  assert.equal(palette256(232), 'rgb(8, 8, 8)');
});

test('cursor movement, OSC titles and stray escapes are dropped, never shown', () => {
  const text = '\x1b]0;title\x07\x1b[2K\x1b[1Gdone\x1b';
  assert.equal(stripAnsi(text), 'done');
  assert.deepEqual(parseAnsi(text).segments, [{ text: 'done', style: {} }]);
});

test('markup stays plain text (rendering uses text nodes)', () => {
  assert.deepEqual(parseAnsi('<script>alert(1)</script>').segments, [
    { text: '<script>alert(1)</script>', style: {} },
  ]);
});
