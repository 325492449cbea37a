// `hangar login`, `whoami` and `logout` against a real server, driving the real binary.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, tempConfigDir } from '../support/cli.js';
import { startTestServer, type TestServer } from '../support/server.js';

const owner = { username: 'owner', email: 'owner@example.com', password: 'Owner-Passw0rd!x' };
const firstUserFlags = [
  '--first-user-username',
  owner.username,
  '--first-user-email',
  owner.email,
  '--first-user-password',
  owner.password,
  '--first-user-full-name',
  'Olive Owner',
];

describe('cli login', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server?.stop());

  it('without flags and without a terminal, fails naming the first-user flags', async () => {
    const r = await runCli(['login', server.url], { configDir: await tempConfigDir() });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /This deployment has no users yet/);
    assert.match(r.stderr, /--first-user-username, --first-user-email and --first-user-password/);
  });

  it('rejects a weak first-user password with the field named, and creates nothing', async () => {
    const configDir = await tempConfigDir();
    const r = await runCli(
      [
        'login',
        server.url,
        '--first-user-username',
        'owner',
        '--first-user-email',
        'o@example.com',
        '--first-user-password',
        'short',
      ],
      { configDir },
    );
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^ {2}password: /m);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('creates the first user, logs in and stores the session with mode 0600', async () => {
    const configDir = await tempConfigDir();
    const r = await runCli(['login', server.url, ...firstUserFlags], { configDir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Created the first user "owner"/);
    assert.match(r.stdout, /Welcome to Hangar, owner!/);
    for (const file of ['url', 'session']) {
      assert.equal((await stat(path.join(configDir, file))).mode & 0o777, 0o600, file);
    }
    assert.equal((await stat(configDir)).mode & 0o777, 0o700);

    const who = await runCli(['whoami'], { configDir });
    assert.equal(who.code, 0, who.stderr);
    assert.equal(who.stdout, `Hangar is running at ${server.url}, you are authenticated as owner.\n`);
    const json = JSON.parse((await runCli(['whoami', '-o', 'json'], { configDir })).stdout) as Record<
      string,
      unknown
    >;
    assert.equal(json.username, 'owner');
    assert.equal(json.name, 'Olive Owner');
    assert.deepEqual(json.roles, [{ name: 'owner', display_name: 'Owner' }]);
  });

  it('re-running with the same first-user flags logs in instead (idempotent setup scripts)', async () => {
    const r = await runCli(['login', server.url, ...firstUserFlags], { configDir: await tempConfigDir() });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /Created the first user/);
    assert.match(r.stdout, /Welcome to Hangar, owner!/);
  });

  it('logs in with --email/--password, and fails clearly on a wrong password', async () => {
    const configDir = await tempConfigDir();
    const ok = await runCli(['login', server.url, '--email', owner.email, '--password', owner.password], {
      configDir,
    });
    assert.equal(ok.code, 0, ok.stderr);
    const bad = await runCli(
      ['login', server.url, '--email', owner.email, '--password', 'Wrong-Passw0rd!x'],
      {
        configDir: await tempConfigDir(),
      },
    );
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /^error: /);
    const noTty = await runCli(['login', server.url], { configDir: await tempConfigDir() });
    assert.equal(noTty.code, 2);
    assert.match(noTty.stderr, /Pass --email and --password, or a token with --token/);
  });

  it('login --token validates the token and stores it; a bad token is refused and not stored', async () => {
    const first = await tempConfigDir();
    await runCli(['login', server.url, '--email', owner.email, '--password', owner.password], {
      configDir: first,
    });
    const token = (
      await runCli(['tokens', 'create', '--name', 'login-test'], { configDir: first })
    ).stdout.trim();
    const configDir = await tempConfigDir();
    const r = await runCli(['login', server.url, '--token', token], { configDir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await runCli(['whoami', '-o', 'json'], { configDir: configDir })).code, 0);

    const other = await tempConfigDir();
    const bad = await runCli(['login', server.url, '--token', 'abcdefghij-notarealsecret'], {
      configDir: other,
    });
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /hint: .*hangar login/);
    await assert.rejects(stat(path.join(other, 'session')));
  });

  it('logout revokes the session: a later whoami with the same token fails clearly', async () => {
    const configDir = await tempConfigDir();
    await runCli(['login', server.url, '--email', owner.email, '--password', owner.password], { configDir });
    const session = (await runCli(['whoami'], { configDir })).code;
    assert.equal(session, 0);
    const { readFile } = await import('node:fs/promises');
    const token = (await readFile(path.join(configDir, 'session'), 'utf8')).trim();

    const out = await runCli(['logout', '-y'], { configDir });
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, 'You are now logged out.\n');
    await assert.rejects(stat(path.join(configDir, 'session')));

    const after = await runCli(['whoami'], { configDir });
    assert.equal(after.code, 3);
    assert.equal(after.stderr, 'error: You are not logged in. Run `hangar login <url>`.\n');
    // The token itself was revoked on the server, not only forgotten locally.
    const revoked = await runCli(['--url', server.url, '--token', token, 'whoami'], { configDir });
    assert.equal(revoked.code, 3);
    assert.match(revoked.stderr, /^error: .*\n(.*\n)*hint: .*Run `hangar login <url>`\./);
  });

  it('reads the URL and token from HANGAR_URL and HANGAR_SESSION_TOKEN over the stored files', async () => {
    const configDir = await tempConfigDir();
    await runCli(['login', server.url, '--email', owner.email, '--password', owner.password], { configDir });
    const r = await runCli(['whoami'], {
      configDir,
      env: { HANGAR_URL: 'http://127.0.0.1:1', HANGAR_SESSION_TOKEN: 'x-y' },
    });
    assert.equal(r.code, 7, 'the env URL wins over the stored one');
  });
});
