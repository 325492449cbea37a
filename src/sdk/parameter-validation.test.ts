import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parameterValueProblem, resolveBuildParameters } from './parameter-validation.js';
import type { TemplateVersionParameter } from './templates.js';

function param(over: Partial<TemplateVersionParameter> & { name: string }): TemplateVersionParameter {
  return {
    display_name: '',
    description: '',
    type: 'string',
    mutable: true,
    default_value: '',
    icon: '',
    options: [],
    validation_error: '',
    validation_regex: '',
    validation_monotonic: '',
    required: false,
    ephemeral: false,
    order: 0,
    ...over,
  };
}
const opt = (value: string) => ({ name: value, description: '', value, icon: '' });

test('value rules: type, options, regex, min/max', () => {
  const cases: [string, TemplateVersionParameter, string, RegExp | undefined][] = [
    ['number ok', param({ name: 'n', type: 'number' }), '3.5', undefined],
    ['number rejects text', param({ name: 'n', type: 'number' }), 'abc', /not a number/],
    ['number rejects empty', param({ name: 'n', type: 'number' }), '', /not a number/],
    ['min', param({ name: 'n', type: 'number', validation_min: 2 }), '1', /at least 2/],
    ['max', param({ name: 'n', type: 'number', validation_max: 5 }), '6', /at most 5/],
    ['in range', param({ name: 'n', type: 'number', validation_min: 2, validation_max: 5 }), '5', undefined],
    [
      'custom message',
      param({
        name: 'n',
        type: 'number',
        validation_min: 2,
        validation_max: 5,
        validation_error: '{value} not in {min}-{max}',
      }),
      '9',
      /^9 not in 2-5$/,
    ],
    ['bool ok', param({ name: 'b', type: 'bool' }), 'false', undefined],
    ['bool rejects yes', param({ name: 'b', type: 'bool' }), 'yes', /"true" or "false"/],
    ['list ok', param({ name: 'l', type: 'list(string)' }), '["a","b"]', undefined],
    ['list rejects object', param({ name: 'l', type: 'list(string)' }), '{"a":1}', /JSON array/],
    ['list rejects numbers', param({ name: 'l', type: 'list(string)' }), '[1]', /JSON array/],
    ['list rejects garbage', param({ name: 'l', type: 'list(string)' }), '[a', /JSON array/],
    [
      'list options',
      param({ name: 'l', type: 'list(string)', options: [opt('a')] }),
      '["a","z"]',
      /"z" not among/,
    ],
    ['options ok', param({ name: 's', options: [opt('x'), opt('y')] }), 'y', undefined],
    [
      'options refused',
      param({ name: 's', options: [opt('x'), opt('y')] }),
      'z',
      /not one of the options: x, y/,
    ],
    ['regex ok', param({ name: 's', validation_regex: '^[a-z]+$' }), 'abc', undefined],
    ['regex refused', param({ name: 's', validation_regex: '^[a-z]+$' }), 'ABC', /does not match/],
    ['regex unanchored like Go', param({ name: 's', validation_regex: 'b' }), 'abc', undefined],
    ['bad template regex', param({ name: 's', validation_regex: '(' }), 'x', /regex .* is invalid/],
  ];
  for (const [name, p, value, want] of cases) {
    const got = parameterValueProblem(p, value);
    if (want) assert.match(got ?? '', want, name);
    else assert.equal(got, undefined, name);
  }
});

const base = { previous: [], supplied: [], firstBuild: true, requireAll: true };

test('resolution rules: required, defaults, carry-forward, unknown, immutable, monotonic, ephemeral', () => {
  const cases: {
    name: string;
    input: Partial<Parameters<typeof resolveBuildParameters>[0]> & {
      parameters: TemplateVersionParameter[];
    };
    values?: Record<string, string>;
    problems?: Record<string, RegExp>;
  }[] = [
    {
      name: 'required without value',
      input: { parameters: [param({ name: 'r', required: true })] },
      problems: { r: /required/ },
    },
    {
      name: 'default applies',
      input: { parameters: [param({ name: 'd', default_value: 'x' })] },
      values: { d: 'x' },
    },
    {
      name: 'unknown name refused',
      input: { parameters: [], supplied: [{ name: 'nope', value: '1' }] },
      problems: { nope: /no such parameter/ },
    },
    {
      name: 'duplicate name refused',
      input: {
        parameters: [param({ name: 'a' })],
        supplied: [
          { name: 'a', value: '1' },
          { name: 'a', value: '2' },
        ],
      },
      problems: { a: /more than once/ },
    },
    {
      name: 'previous value carried forward over the default',
      input: {
        parameters: [param({ name: 'a', default_value: 'def' })],
        previous: [{ name: 'a', value: 'old' }],
        firstBuild: false,
      },
      values: { a: 'old' },
    },
    {
      name: 'immutable cannot change after the first build',
      input: {
        parameters: [param({ name: 'i', mutable: false })],
        previous: [{ name: 'i', value: 'one' }],
        supplied: [{ name: 'i', value: 'two' }],
        firstBuild: false,
      },
      problems: { i: /immutable/ },
    },
    {
      name: 'immutable may be re-sent unchanged',
      input: {
        parameters: [param({ name: 'i', mutable: false })],
        previous: [{ name: 'i', value: 'one' }],
        supplied: [{ name: 'i', value: 'one' }],
        firstBuild: false,
      },
      values: { i: 'one' },
    },
    {
      name: 'immutable set on the first build',
      input: { parameters: [param({ name: 'i', mutable: false })], supplied: [{ name: 'i', value: 'x' }] },
      values: { i: 'x' },
    },
    {
      name: 'monotonic increasing refuses lower',
      input: {
        parameters: [param({ name: 'm', type: 'number', validation_monotonic: 'increasing' })],
        previous: [{ name: 'm', value: '5' }],
        supplied: [{ name: 'm', value: '4' }],
        firstBuild: false,
      },
      problems: { m: /greater than the previous value, 5/ },
    },
    {
      name: 'monotonic increasing accepts higher',
      input: {
        parameters: [param({ name: 'm', type: 'number', validation_monotonic: 'increasing' })],
        previous: [{ name: 'm', value: '5' }],
        supplied: [{ name: 'm', value: '6' }],
        firstBuild: false,
      },
      values: { m: '6' },
    },
    {
      name: 'monotonic decreasing refuses higher',
      input: {
        parameters: [param({ name: 'm', type: 'number', validation_monotonic: 'decreasing' })],
        previous: [{ name: 'm', value: '5' }],
        supplied: [{ name: 'm', value: '6' }],
        firstBuild: false,
      },
      problems: { m: /lower than the previous value, 5/ },
    },
    {
      name: 'ephemeral not carried forward: default instead',
      input: {
        parameters: [param({ name: 'e', ephemeral: true, default_value: 'no' })],
        previous: [{ name: 'e', value: 'yes' }],
        firstBuild: false,
      },
      values: { e: 'no' },
    },
    {
      name: 'ephemeral must be mutable',
      input: { parameters: [param({ name: 'e', ephemeral: true, mutable: false })] },
      problems: { e: /must be mutable/ },
    },
    {
      name: 'new required parameter on update must be supplied',
      input: {
        parameters: [param({ name: 'old' }), param({ name: 'new', required: true })],
        previous: [{ name: 'old', value: 'v' }],
        firstBuild: false,
      },
      problems: { new: /required/ },
    },
    {
      name: 'stop builds do not demand new required parameters',
      input: {
        parameters: [param({ name: 'new', required: true })],
        firstBuild: false,
        requireAll: false,
      },
      values: {},
    },
    {
      name: 'every bad value is reported at once',
      input: {
        parameters: [param({ name: 'n', type: 'number' }), param({ name: 'b', type: 'bool' })],
        supplied: [
          { name: 'n', value: 'x' },
          { name: 'b', value: 'x' },
        ],
      },
      problems: { n: /not a number/, b: /"true" or "false"/ },
    },
  ];
  for (const c of cases) {
    const got = resolveBuildParameters({ ...base, ...c.input });
    const problems = Object.fromEntries(got.problems.map((p) => [p.field, p.detail]));
    assert.deepEqual(Object.keys(problems).sort(), Object.keys(c.problems ?? {}).sort(), c.name);
    for (const [field, re] of Object.entries(c.problems ?? {})) assert.match(problems[field]!, re, c.name);
    if (c.values) {
      assert.deepEqual(Object.fromEntries(got.values.map((v) => [v.name, v.value])), c.values, c.name);
    }
  }
});

test('values come back in the template order', () => {
  const got = resolveBuildParameters({
    ...base,
    parameters: [
      param({ name: 'b', order: 2, default_value: '2' }),
      param({ name: 'a', order: 1, default_value: '1' }),
    ],
  });
  assert.deepEqual(
    got.values.map((v) => v.name),
    ['a', 'b'],
  );
});
