import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convertLogLine } from './terraform-logs.js';

test('a diagnostic becomes its message plus readable lines at its severity', () => {
  const line = JSON.stringify({
    '@level': 'error',
    '@message': 'Error: Unsupported argument',
    type: 'diagnostic',
    diagnostic: {
      severity: 'error',
      summary: 'Unsupported argument',
      detail: 'An argument named "imput" is not expected here.',
      address: 'terraform_data.x',
      range: { filename: 'main.tf', start: { line: 2 } },
      snippet: { context: 'resource "terraform_data" "x"', code: '  imput = 1', start_line: 2 },
    },
  });
  assert.deepEqual(convertLogLine(line), [
    { level: 'error', output: 'Error: Unsupported argument' },
    { level: 'error', output: '' },
    { level: 'error', output: 'on main.tf line 2, in resource "terraform_data" "x":' },
    { level: 'error', output: '   2:   imput = 1' },
    { level: 'error', output: '' },
    { level: 'error', output: 'with terraform_data.x' },
    { level: 'error', output: '' },
    { level: 'error', output: 'An argument named "imput" is not expected here.' },
  ]);
});

test('levels map, trace is dropped, plain lines are info, init info is debug', () => {
  const ui = (level: string, message: string) => JSON.stringify({ '@level': level, '@message': message });
  assert.deepEqual(convertLogLine(ui('warn', 'careful')), [{ level: 'warn', output: 'careful' }]);
  assert.deepEqual(convertLogLine(ui('trace', 'noise')), []);
  assert.deepEqual(convertLogLine('plain text'), [{ level: 'info', output: 'plain text' }]);
  assert.deepEqual(convertLogLine('{"not":"ui"}'), [{ level: 'info', output: '{"not":"ui"}' }]);
  assert.deepEqual(convertLogLine(ui('info', 'Initializing...'), { infoAsDebug: true }), [
    { level: 'debug', output: 'Initializing...' },
  ]);
  assert.deepEqual(convertLogLine(''), []);
});
