import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInput } from '../../sdk/errors.js';
import { describePgError, describeTarget } from './describe-pg-error.js';

describe('describePgError', () => {
  const target = describeTarget('postgres://alice:s3cret@db.example:6543/hangar?sslmode=disable');

  it('parses the target without the password', () => {
    assert.deepEqual(target, { where: 'db.example:6543/hangar', user: 'alice', database: 'hangar' });
    assert.equal(describeTarget('postgresql://localhost').where, 'localhost:5432/postgres');
    // A Unix socket's folder in `host` overrides the URL's host, as libpq reads it.
    assert.equal(
      describeTarget('postgres://u:p@localhost:5433/hangar?host=%2Fvar%2Frun%2Fpg').where,
      '/var/run/pg:5433/hangar',
    );
    assert.throws(() => describeTarget('not a url'), InvalidInput);
    assert.throws(() => describeTarget('mysql://x/y'), InvalidInput);
  });

  it('names what is wrong from the error code', () => {
    const cases: [string, RegExp][] = [
      ['ECONNREFUSED', /^nothing is listening at db\.example:6543/],
      ['ENOTFOUND', /cannot be resolved/],
      ['EHOSTUNREACH', /unreachable/],
      ['28P01', /^password authentication failed for user "alice"$/],
      ['28000', /does not allow user "alice"/],
      ['3D000', /^database "hangar" does not exist$/],
      ['57P03', /starting up/],
    ];
    for (const [code, want] of cases) {
      const msg = describePgError(Object.assign(new Error('raw text with s3cret'), { code }), target);
      assert.match(msg, want, code);
      assert.doesNotMatch(msg, /s3cret/, code);
    }
    assert.equal(
      describePgError(new Error('Connection terminated due to connection timeout'), target),
      'connecting timed out',
    );
  });
});
