// Golden files for every command's --help and every error kind, plus behaviour that needs no server.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import { buildRootCommand } from '../../src/cli/root.js';
import { assertGolden, goldenName } from '../support/cli-golden.js';
import { helpText, runCli, tempConfigDir } from '../support/cli.js';

/** Every command path in the tree, hidden ones included (`[]` is the root). */
function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  return [prefix, ...cmd.commands.flatMap((c) => commandPaths(c, [...prefix, c.name()]))];
}

describe('cli help', () => {
  it('matches the golden --help of every command', () => {
    const root = buildRootCommand();
    const paths = commandPaths(root);
    assert.ok(paths.length >= 15, `expected the whole tree, got ${paths.length} commands`);
    for (const p of paths) assertGolden(goldenName([...p, '--help']), helpText(root, p));
  });

  it('the real binary prints the same --help', async () => {
    const paths = [[], ['users', 'create'], ['login']];
    const results = await Promise.all(paths.map((p) => runCli([...p, '--help'])));
    paths.forEach((p, i) => {
      const r = results[i]!;
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.equal(r.stdout, helpText(buildRootCommand(), p));
    });
  });

  it('prints each error kind as the golden files show, with no stack trace', async () => {
    const kinds = [
      'api',
      'validation',
      'unauthenticated',
      'conflict',
      'wrapped',
      'multiple',
      'cli',
      'unexpected',
    ];
    const expectedCodes: Record<string, number> = {
      api: 5,
      validation: 2,
      unauthenticated: 3,
      conflict: 6,
      cli: 3,
    };
    const results = await Promise.all(kinds.map((k) => runCli(['exp', 'example-error', k])));
    kinds.forEach((kind, i) => {
      const r = results[i]!;
      assert.equal(r.code, expectedCodes[kind] ?? 1, `${kind}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace without --verbose');
      assertGolden(goldenName(['exp', 'example-error', kind]), r.stderr);
    });
  });

  it('adds the stack trace only with --verbose or HANGAR_DEBUG=1', async () => {
    const [verbose, debug] = await Promise.all([
      runCli(['--verbose', 'exp', 'example-error', 'api']),
      runCli(['exp', 'example-error', 'api'], { env: { HANGAR_DEBUG: '1' } }),
    ]);
    for (const r of [verbose, debug]) {
      assert.equal(r.code, 5);
      assert.match(r.stderr, /^error: User "alice" not found\./);
      assert.match(r.stderr, /\n\s+at /);
    }
  });

  it('says how to log in when there is no session', async () => {
    const configDir = await tempConfigDir();
    for (const args of [['whoami'], ['users', 'list'], ['tokens', 'list'], ['logout', '-y']]) {
      const r = await runCli(args, { configDir });
      assert.equal(r.code, 3, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, 'error: You are not logged in. Run `hangar login <url>`.\n');
    }
  });

  it('explains an unreachable server and exits 7', async () => {
    const r = await runCli(['--url', 'http://127.0.0.1:1', '--token', 'x-y', 'whoami'], {
      configDir: await tempConfigDir(),
    });
    assert.equal(r.code, 7);
    assert.match(r.stderr, /^error: Could not reach http:\/\/127\.0\.0\.1:1\./);
    assert.match(r.stderr, /hint: Check that the server is running/);
  });

  it('rejects unknown commands, options and columns as usage errors (exit 2)', async () => {
    const [cmd, opt] = await Promise.all([runCli(['users', 'bogus']), runCli(['version', '--nope'])]);
    assert.equal(cmd.code, 2);
    assert.match(cmd.stderr, /unknown command 'bogus'/);
    assert.equal(opt.code, 2);
    assert.match(opt.stderr, /unknown option '--nope'/);
    const col = await runCli(['version', '-o', 'table', '-c', 'nope']);
    assert.equal(col.code, 2);
    assert.match(col.stderr, /Unknown column "nope"\.\nhint: Choose from: version, node\./);
  });

  it('prints the version as text and JSON', async () => {
    const [text, json] = await Promise.all([runCli(['version']), runCli(['version', '-o', 'json'])]);
    assert.match(text.stdout, /^Hangar \d+\.\d+\.\d+\n$/);
    const parsed = JSON.parse(json.stdout) as { version: string; node: string };
    assert.equal(parsed.node, process.version);
  });
});
