import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { describe, it } from 'node:test';
import { PreconditionFailed, Unavailable } from '../../sdk/errors.js';
import { databaseUrl, testClusterUrl } from '../../../test/support/postgres.js';
import { checkServerVersion, connectPostgres } from './connect.js';

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A TCP forwarder to the test cluster, standing in for a server that comes up late. */
function forwarder(port: number, target: URL): Promise<net.Server> {
  const server = net.createServer((inbound: net.Socket) => {
    const outbound = net.connect(Number(target.port || 5432), target.hostname);
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
  });
  return new Promise((r) => server.listen(port, '127.0.0.1', () => r(server)));
}

describe('connectPostgres', () => {
  it('connects to a running server and handles idle-client errors', async () => {
    const pool = await connectPostgres(testClusterUrl(), { timeoutMs: 5000 });
    try {
      assert.ok(pool.listenerCount('error') > 0);
      const r = await pool.query('SELECT 1 AS one');
      assert.equal(r.rows[0].one, 1);
    } finally {
      await pool.end();
    }
  });

  it('retries until a server that starts late answers', async () => {
    const port = await freePort();
    const url = new URL(testClusterUrl());
    const late = new URL(url);
    late.hostname = '127.0.0.1';
    late.port = String(port);
    const warnings: unknown[] = [];
    const logger = {
      debug: () => {},
      info: () => {},
      warn: (o: unknown) => warnings.push(o),
      error: () => {},
      child: () => logger,
    };
    let server: net.Server | undefined;
    const timer = setTimeout(async () => (server = await forwarder(port, url)), 600);
    try {
      const pool = await connectPostgres(late.toString(), { timeoutMs: 10_000, logger });
      await pool.end();
      assert.ok(warnings.length >= 1, 'each failed attempt is logged');
    } finally {
      clearTimeout(timer);
      server?.close();
    }
  });

  it('gives up with a clear Unavailable on a closed port, without the password', async () => {
    const port = await freePort();
    const started = Date.now();
    await assert.rejects(
      connectPostgres(`postgres://hangar:sekrit-pw@127.0.0.1:${port}/hangar`, { timeoutMs: 800 }),
      (err: unknown): boolean => {
        assert.ok(err instanceof Unavailable);
        assert.match(err.message, new RegExp(`nothing is listening at 127\\.0\\.0\\.1:${port}`));
        assert.doesNotMatch(`${err.message} ${err.detail}`, /sekrit/);
        return true;
      },
    );
    assert.ok(Date.now() - started < 5000);
  });

  it('reports a missing database at once', async () => {
    const started = Date.now();
    await assert.rejects(
      connectPostgres(databaseUrl('hangar_no_such_db'), { timeoutMs: 20_000 }),
      (err: unknown): boolean => {
        assert.ok(err instanceof Unavailable);
        assert.match(err.message, /database "hangar_no_such_db" does not exist/);
        return true;
      },
    );
    assert.ok(Date.now() - started < 5000, 'a permanent error is not retried until the timeout');
  });

  it('refuses PostgreSQL older than 13', () => {
    assert.throws(
      () => checkServerVersion(120004, '12.4'),
      (err: unknown) =>
        err instanceof PreconditionFailed &&
        err.message === 'PostgreSQL 12.4 is too old; Hangar needs 13 or newer.',
    );
    checkServerVersion(130000, '13.0');
    checkServerVersion(170010, '17.10');
  });
});
