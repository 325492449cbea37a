// Golden files for CLI output (Coder's cli/testdata): compare with src/cli/testdata/<name>.golden,
// or rewrite them with HANGAR_UPDATE_GOLDEN=1. Variable parts (ids, times, ports, tokens) are masked.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './server.js';

export const goldenDir = path.join(repoRoot, 'src/cli/testdata');

/** Replaces values that differ between runs so goldens stay stable. */
export function normalizeOutput(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '[uuid]')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g, '[time]')
    .replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://127.0.0.1:[port]');
}

/** File name for a command line, as Coder names them: `hangar_users_list_--help`. */
export function goldenName(args: string[]): string {
  return ['hangar', ...args].join('_').replace(/[^a-zA-Z0-9_.=-]/g, '-');
}

export function assertGolden(name: string, actual: string): void {
  const file = path.join(goldenDir, `${name}.golden`);
  const text = normalizeOutput(actual);
  if (process.env.HANGAR_UPDATE_GOLDEN === '1') {
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(file, text);
    return;
  }
  assert.ok(existsSync(file), `missing golden file ${file}; run the test with HANGAR_UPDATE_GOLDEN=1`);
  assert.equal(
    text,
    readFileSync(file, 'utf8'),
    `output differs from ${file} (HANGAR_UPDATE_GOLDEN=1 rewrites it)`,
  );
}
