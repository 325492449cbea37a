// The import-boundary rule (ADR 0001) decides real cases the way the table says.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const root = path.resolve(import.meta.dirname, '../../..');
const { plugin } = (await import(
  pathToFileURL(path.join(root, 'tools/eslint-rules/import-boundaries.js')).href
)) as {
  plugin: { rules: Record<string, unknown> };
};

function problems(file: string, code: string): string[] {
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(
    code,
    [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser as Linter.Parser },
        plugins: { hangar: plugin as never },
        rules: { 'hangar/import-boundaries': 'error', 'hangar/no-process-exit': 'error' },
      },
    ],
    { filename: path.join(root, file) },
  );
  return messages.map((m) => m.message);
}

test('allowed directions pass', () => {
  assert.deepEqual(problems('src/coderd/x.ts', `import { a } from '../database/store.js';`), []);
  assert.deepEqual(problems('src/database/x.ts', `import { a } from '../sdk/errors.js';`), []);
  assert.deepEqual(problems('src/cli/server/x.ts', `import { a } from '../../coderd/start-server.js';`), []);
  assert.deepEqual(problems('src/coderd/x.test.ts', `import { a } from '../../test/support/coderd.js';`), []);
  assert.deepEqual(problems('src/sdk/x.ts', `import { z } from 'zod';`), []);
});

test('layer breakers are reported with the ADR', () => {
  const [cli] = problems('src/cli/commands/x.ts', `import { a } from '../../database/store.js';`);
  assert.match(cli ?? '', /"src\/cli" may not import "src\/database".*0001/);
  assert.equal(problems('src/sdk/x.ts', `import { a } from '../coderd/coderd.js';`).length, 1);
  assert.equal(problems('src/provisionerd/x.ts', `export * from '../database/store.js';`).length, 1);
  assert.equal(problems('src/agent/x.ts', `const m = await import('../coderd/coderd.js');`).length, 1);
  assert.equal(problems('src/coderd/x.ts', `import { a } from '../cli/root.js';`).length, 1);
});

test('unlisted folders and process.exit outside main are refused', () => {
  assert.match(
    problems('src/newthing/x.ts', `export const a = 1;`)[0] ?? '',
    /no folder of the import-boundary table/,
  );
  assert.equal(problems('src/coderd/x.ts', `process.exit(1);`).length, 1);
  assert.deepEqual(problems('src/cli/main.ts', `process.exit(1);`), []);
});
