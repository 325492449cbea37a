import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseInline, parseMarkdown, safeUrl } from './markdown.js';

test('front matter is skipped; headings, paragraphs, lists and code blocks are parsed', () => {
  const blocks = parseMarkdown(
    '---\ndisplay_name: Local\n---\n# Title\n\nSome *text* and `code`.\n\n- one\n- two\n\n```sh\necho hi\n```\n',
  );
  assert.deepEqual(
    blocks.map((b) => b.type),
    ['heading', 'paragraph', 'list', 'code'],
  );
  assert.deepEqual(blocks[0], { type: 'heading', level: 1, children: [{ type: 'text', text: 'Title' }] });
  assert.deepEqual(blocks[3], { type: 'code', lang: 'sh', text: 'echo hi' });
  const list = blocks[2] as { items: unknown[] };
  assert.equal(list.items.length, 2);
});

test('tables keep their cells; ordered lists their start', () => {
  const [table, list] = parseMarkdown('| a | b |\n|---|:-:|\n| 1 | `2` |\n\n3. three\n4. four\n');
  assert.equal(table!.type, 'table');
  assert.equal((table as { rows: unknown[][] }).rows[0]!.length, 2);
  assert.deepEqual(
    { type: list!.type, start: (list as { start: number }).start },
    { type: 'list', start: 3 },
  );
});

test('HTML in a README is text', () => {
  assert.deepEqual(parseMarkdown('<script>alert(1)</script>'), [
    { type: 'paragraph', children: [{ type: 'text', text: '<script>alert(1)</script>' }] },
  ]);
});

test('links keep only http(s), mailto and relative targets', () => {
  assert.equal(safeUrl('https://example.com'), 'https://example.com');
  assert.equal(safeUrl('/docs/x'), '/docs/x');
  assert.equal(safeUrl('mailto:a@b.c'), 'mailto:a@b.c');
  for (const bad of [
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,x',
    'java\tscript:x',
    ' vbscript:x',
  ])
    assert.equal(safeUrl(bad), undefined, bad);
  assert.deepEqual(parseInline('[x](javascript:alert(1))'), [
    { type: 'strong', children: [{ type: 'text', text: 'x' }] },
    { type: 'text', text: ')' },
  ]);
  assert.deepEqual(parseInline('![i](data:image/png;base64,AA)'), [{ type: 'text', text: 'i' }]);
});

test('emphasis, strong and inline code nest as written', () => {
  assert.deepEqual(parseInline('**bold _it_** `a*b*`'), [
    {
      type: 'strong',
      children: [
        { type: 'text', text: 'bold ' },
        { type: 'em', children: [{ type: 'text', text: 'it' }] },
      ],
    },
    { type: 'text', text: ' ' },
    { type: 'code', text: 'a*b*' },
  ]);
  assert.deepEqual(parseInline('snake_case_name'), [{ type: 'text', text: 'snake_case_name' }]);
});
