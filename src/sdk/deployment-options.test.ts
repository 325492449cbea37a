import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  defaultDeploymentValues,
  parseDuration,
  parseOptionValue,
  serverOptions,
} from './deployment-options.js';

test('docs/configuration.md lists every server option with its flag and environment variable', () => {
  const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
  for (const o of serverOptions) {
    assert.ok(doc.includes(`\`--${o.flag}\``), `docs/configuration.md lacks --${o.flag}`);
    assert.ok(doc.includes(`\`${o.env}\``), `docs/configuration.md lacks ${o.env}`);
  }
});

test('durations parse like Go durations and bad values name the flag', () => {
  assert.equal(parseDuration('24h'), 86_400_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.throws(() => parseDuration('soon'));
  const opt = serverOptions.find((o) => o.flag === 'session-duration')!;
  assert.throws(() => parseOptionValue(opt, '1 day'), /--session-duration/);
  const daemons = serverOptions.find((o) => o.flag === 'provisioner-daemons')!;
  assert.throws(() => parseOptionValue(daemons, '-1'), /--provisioner-daemons/);
  assert.equal(defaultDeploymentValues().provisionerDaemons, 3);
});
