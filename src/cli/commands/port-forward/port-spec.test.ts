// `--tcp` values as Coder's port-forward reads them: ports, pairs, bind addresses and ranges.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CliError, ExitCode } from '../../errors.js';
import { parsePortSpec, parsePortSpecs } from './port-spec.js';

const short = (spec: string) =>
  parsePortSpec(spec).map((m) => `${m.bindHost}|${m.localPort}>${m.remotePort}`);

function usageError(fn: () => unknown, mentions: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof CliError);
    assert.equal(err.exitCode, ExitCode.usage);
    assert.match(err.message, mentions);
    return true;
  });
}

describe('port specs', () => {
  it('reads every form', () => {
    assert.deepEqual(short('8080'), ['127.0.0.1|8080>8080']);
    assert.deepEqual(short('8080:3000'), ['127.0.0.1|8080>3000']);
    assert.deepEqual(short('0.0.0.0:8080'), ['0.0.0.0|8080>8080']);
    assert.deepEqual(short('10.0.0.1:8080:3000'), ['10.0.0.1|8080>3000']);
    assert.deepEqual(short('[::1]:8080:3000'), ['::1|8080>3000']);
    assert.deepEqual(short('[::]:9000'), ['::|9000>9000']);
    assert.deepEqual(short('8000-8002:9000-9002'), [
      '127.0.0.1|8000>9000',
      '127.0.0.1|8001>9001',
      '127.0.0.1|8002>9002',
    ]);
    assert.deepEqual(short('7000-7001'), ['127.0.0.1|7000>7000', '127.0.0.1|7001>7001']);
    assert.equal(parsePortSpec(' 8080:80 ')[0]!.spec, ' 8080:80 ');
  });

  it('refuses bad values, naming the --tcp value', () => {
    const bad: [string, RegExp][] = [
      ['', /Invalid --tcp "": /],
      ['http', /"http" is not a port/],
      ['8080:', /one or two ports/],
      ['0:80', /0 is not a port/],
      ['8080:70000', /70000 is not a port/],
      ['9005-9000', /ends before it starts/],
      ['8000-8005:9000-9001', /6 local ports cannot map to 2 remote ports/],
      ['localhost:8080:80', /"localhost" is not an IP address/],
      ['1.2.3.4:5:6:7', /one or two ports/],
      ['[nope]:80', /"nope" is not an IPv6 address/],
      ['1:2:3', /"1" is not an IP address/],
    ];
    for (const [spec, why] of bad) usageError(() => parsePortSpec(spec), why);
  });

  it('refuses two values that listen on the same local address', () => {
    usageError(
      () => parsePortSpecs(['8080:80', '8000-8090:9000-9090']),
      /--tcp "8080:80" and --tcp "8000-8090:9000-9090" both listen on 127\.0\.0\.1:8080/,
    );
    assert.equal(
      parsePortSpecs(['8080:80', '0.0.0.0:8080:81']).length,
      2,
      'other bind addresses are separate',
    );
  });
});
