import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { nopLogger } from '../sdk/logger.js';
import type { WorkspaceApp } from '../sdk/workspaces.js';
import { AppHealthReporter, type AppHealths } from './app-health.js';

const app = (id: string, healthcheck?: WorkspaceApp['healthcheck']): WorkspaceApp => ({
  id,
  slug: id,
  display_name: id,
  external: false,
  icon: '',
  subdomain: false,
  sharing_level: 'owner',
  health: healthcheck ? 'initializing' : 'disabled',
  hidden: false,
  open_in: 'slim-window',
  ...(healthcheck ? { healthcheck } : {}),
});

test('healthy at the first success; unhealthy on the first failure after `threshold` failures', async () => {
  let status = 200;
  const server = http.createServer((_req, res) => res.writeHead(status).end()).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  const reports: AppHealths[] = [];
  const reporter = new AppHealthReporter({
    apps: [
      app('a', { url, interval: 0.2, threshold: 2 }),
      app('plain'),
      app('zero', { url, interval: 0, threshold: 1 }),
    ],
    report: async (h) => void reports.push(h),
    logger: nopLogger,
    reportIntervalMs: 50,
  });
  reporter.start();
  try {
    const until = async (want: string) => {
      for (let i = 0; i < 100 && reports.at(-1)?.a !== want; i++) await sleep(50);
      assert.equal(reports.at(-1)?.a, want);
    };
    await until('healthy');
    assert.deepEqual(Object.keys(reports.at(-1)!), ['a'], 'only apps with a usable healthcheck are reported');
    status = 503;
    const failedAt = Date.now();
    await until('unhealthy');
    // Two tolerated failures, unhealthy on the third: about three intervals.
    assert.ok(Date.now() - failedAt >= 2 * 200, `unhealthy after ${Date.now() - failedAt} ms`);
    status = 404; // below 500 counts as up
    await until('healthy');
    server.close();
    server.closeAllConnections();
    await until('unhealthy');
  } finally {
    reporter.close();
    server.close();
  }
});
