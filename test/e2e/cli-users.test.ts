// `hangar users …` and `hangar tokens …` against a real server, driving the real binary.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { APIKey, User } from '../../src/sdk/users.js';
import { assertGolden } from '../support/cli-golden.js';
import { runCli, tempConfigDir, type CliResult } from '../support/cli.js';
import { startTestServer, type TestServer } from '../support/server.js';

const owner = { username: 'owner', email: 'owner@example.com', password: 'Owner-Passw0rd!x' };

describe('cli users and tokens', () => {
  let server: TestServer;
  let ownerDir: string;
  /** Runs as the owner. */
  const cli = (...args: string[]): Promise<CliResult> => runCli(args, { configDir: ownerDir });
  const ok = async (...args: string[]): Promise<string> => {
    const r = await cli(...args);
    assert.equal(r.code, 0, `hangar ${args.join(' ')} failed:\n${r.stderr}`);
    return r.stdout;
  };
  /** Logs a user in with their own config dir. */
  const loginAs = async (email: string, password: string): Promise<string> => {
    const configDir = await tempConfigDir();
    const r = await runCli(['login', server.url, '--email', email, '--password', password], { configDir });
    assert.equal(r.code, 0, r.stderr);
    return configDir;
  };

  before(async () => {
    server = await startTestServer();
    ownerDir = await tempConfigDir();
    const r = await runCli(
      [
        'login',
        server.url,
        '--first-user-username',
        owner.username,
        '--first-user-email',
        owner.email,
        '--first-user-password',
        owner.password,
      ],
      { configDir: ownerDir },
    );
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => server?.stop());

  it('creates users and lists them as a table and as JSON', async () => {
    const created = await ok(
      'users',
      'create',
      '--username',
      'alice',
      '--email',
      'alice@example.com',
      '--full-name',
      'Alice A',
      '--password',
      'Alice-Passw0rd!x',
    );
    assert.equal(created, 'Created user alice (alice@example.com).\n');
    const json = JSON.parse(
      await ok('users', 'create', '-u', 'bob', '-e', 'bob@example.com', '--role', 'auditor', '-o', 'json'),
    ) as User;
    assert.equal(json.username, 'bob');
    assert.deepEqual(
      json.roles.map((r) => r.name),
      ['auditor'],
    );

    const list = JSON.parse(await ok('users', 'list', '-o', 'json')) as User[];
    assert.deepEqual(list.map((u) => u.username).sort(), ['alice', 'bob', 'owner']);
    assertGolden('hangar_users_list', await ok('users', 'list'));
    assertGolden(
      'hangar_users_list_-c_username,roles,name',
      await ok('users', 'list', '-c', 'username,roles,name'),
    );
    assertGolden('hangar_users_show_alice_--output_json', await ok('users', 'show', 'alice', '-o', 'json'));

    const none = await cli('users', 'list', '--search', 'status:suspended');
    assert.equal(none.code, 0);
    assert.equal(none.stdout, '', 'stdout stays empty for scripts');
    assert.equal(none.stderr, 'No users found.\n');
  });

  it('shows a user by me, username or id', async () => {
    const me = JSON.parse(await ok('users', 'show', 'me', '-o', 'json')) as User;
    assert.equal(me.username, 'owner');
    const alice = JSON.parse(await ok('users', 'show', 'alice', '-o', 'json')) as User;
    const byId = JSON.parse(await ok('users', 'show', alice.id, '-o', 'json')) as User;
    assert.equal(byId.username, 'alice');
    const missing = await cli('users', 'show', 'nobody');
    assert.equal(missing.code, 5);
    assert.match(missing.stderr, /^error: .*nobody/);
  });

  it('rejects a weak password and a duplicate username with clear messages', async () => {
    const weak = await cli('users', 'create', '-u', 'carol', '-e', 'carol@example.com', '-p', 'password');
    assert.equal(weak.code, 2);
    assert.equal(weak.stdout, '');
    assert.match(weak.stderr, /^ {2}password: Too weak/m);
    assertGolden('hangar_users_create_weak-password', weak.stderr);

    const dup = await cli(
      'users',
      'create',
      '-u',
      'alice',
      '-e',
      'alice2@example.com',
      '-p',
      'Alice-Passw0rd!x',
    );
    assert.equal(dup.code, 6);
    assert.match(dup.stderr, /already exists/);
    assertGolden('hangar_users_create_duplicate', dup.stderr);

    const list = JSON.parse(await ok('users', 'list', '-o', 'json')) as User[];
    assert.ok(!list.some((u) => u.username === 'carol'), 'nothing was written');
  });

  it('suspending a user stops their token at once; activate lets them log in again', async () => {
    const aliceDir = await loginAs('alice@example.com', 'Alice-Passw0rd!x');
    assert.equal((await runCli(['whoami'], { configDir: aliceDir })).code, 0);

    assert.equal(await ok('users', 'suspend', 'alice'), 'User alice is now suspended.\n');
    const denied = await runCli(['whoami'], { configDir: aliceDir });
    assert.equal(denied.code, 3);
    assert.match(denied.stderr, /hint: .*hangar login/);

    assert.equal(await ok('users', 'activate', 'alice'), 'User alice is now active.\n');
    const again = await loginAs('alice@example.com', 'Alice-Passw0rd!x');
    assert.equal((await runCli(['whoami'], { configDir: again })).code, 0);
  });

  it('a member cannot create users (forbidden, exit 4)', async () => {
    const aliceDir = await loginAs('alice@example.com', 'Alice-Passw0rd!x');
    const r = await runCli(['users', 'create', '-u', 'dave', '-e', 'dave@example.com'], {
      configDir: aliceDir,
    });
    assert.ok(r.code === 4 || r.code === 5, `exit ${r.code}: ${r.stderr}`);
    assert.match(r.stderr, /^error: /);
  });

  it('deletes a user and revokes their sessions', async () => {
    const bobJson = JSON.parse(
      await ok(
        'users',
        'create',
        '-u',
        'erin',
        '-e',
        'erin@example.com',
        '-p',
        'Erin-Passw0rd!x',
        '-o',
        'json',
      ),
    ) as User;
    const erinDir = await loginAs('erin@example.com', 'Erin-Passw0rd!x');
    assert.equal(await ok('users', 'delete', bobJson.id), 'User erin has been deleted.\n');
    assert.equal((await runCli(['whoami'], { configDir: erinDir })).code, 3);
    const list = JSON.parse(await ok('users', 'list', '-o', 'json')) as User[];
    assert.ok(!list.some((u) => u.username === 'erin'));
  });

  it('tokens: create (usable as --token and HANGAR_SESSION_TOKEN), list, remove by name and by id', async () => {
    const token = (await ok('tokens', 'create', '--name', 'ci', '--lifetime', '30d')).trim();
    assert.match(token, /^[A-Za-z0-9]+-[A-Za-z0-9]+$/);
    const bare = await tempConfigDir();
    const viaFlag = await runCli(['--url', server.url, '--token', token, 'whoami'], { configDir: bare });
    assert.equal(viaFlag.code, 0, viaFlag.stderr);
    const viaEnv = await runCli(['whoami', '-o', 'json'], {
      configDir: bare,
      env: { HANGAR_URL: server.url, HANGAR_SESSION_TOKEN: token },
    });
    assert.equal((JSON.parse(viaEnv.stdout) as User).username, 'owner');

    await ok('tokens', 'create', '--name', 'other', '--lifetime', '720h');
    const tokens = JSON.parse(await ok('tokens', 'list', '-o', 'json')) as APIKey[];
    assert.deepEqual(tokens.map((t) => t.token_name).sort(), ['ci', 'other']);
    const ci = tokens.find((t) => t.token_name === 'ci')!;
    const days = (Date.parse(ci.expires_at) - Date.parse(ci.created_at)) / 86_400_000;
    assert.ok(Math.abs(days - 30) < 0.01, `30d lifetime, got ${days} days`);
    const table = await ok('tokens', 'list', '-c', 'name,scope');
    assert.match(table, /^NAME +SCOPE\n/);
    assert.match(table, /^ci +all$/m);
    assert.match(table, /^other +all$/m);

    assert.equal(await ok('tokens', 'remove', 'ci'), 'Token ci has been deleted.\n');
    const other = tokens.find((t) => t.token_name === 'other')!;
    assert.equal(await ok('tokens', 'remove', other.id), `Token ${other.id} has been deleted.\n`);
    const empty = await cli('tokens', 'list');
    assert.equal(empty.stdout, '');
    assert.match(empty.stderr, /No tokens found/);
    const revoked = await runCli(['--url', server.url, '--token', token, 'whoami'], { configDir: bare });
    assert.equal(revoked.code, 3);

    const missing = await cli('tokens', 'remove', 'nope');
    assert.equal(missing.code, 5);
    const badLifetime = await cli('tokens', 'create', '--lifetime', 'soon');
    assert.equal(badLifetime.code, 2);
    assert.match(badLifetime.stderr, /Invalid --lifetime "soon"/);
  });
});
