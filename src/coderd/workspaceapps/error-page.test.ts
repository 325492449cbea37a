import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderAppErrorPage } from './error-page.js';

test('error pages escape everything they show', () => {
  const html = renderAppErrorPage(
    {
      status: 502,
      title: '<script>alert(1)</script>',
      description: 'app "<img src=x onerror=alert(1)>" & co',
      retry: true,
    },
    new URL('http://hangar.example/"><script>'),
  );
  assert.doesNotMatch(html, /<script>|<img/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /&quot;&lt;img src=x onerror=alert\(1\)&gt;&quot; &amp; co/);
});
