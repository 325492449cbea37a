// A real server with built-in echo daemons and an owner logged in through the CLI, for e2e tests
// of commands that run jobs.
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HangarClient } from '../../src/sdk/hangar-client.js';
import { runCli, tempConfigDir, type CliResult } from './cli.js';
import { startTestServer, type TestServer } from './server.js';

export const cliOwner = { username: 'owner', email: 'owner@example.com', password: 'Owner-Passw0rd!x' };

export interface CliSession {
  server: TestServer;
  configDir: string;
  cli(...args: string[]): Promise<CliResult>;
  /** Runs a command that must succeed and returns its stdout. */
  ok(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export async function startCliSession(): Promise<CliSession> {
  const server = await startTestServer({ extraArgs: ['--provisioner-daemons', '2'] });
  const configDir = await tempConfigDir();
  const login = await runCli(
    [
      'login',
      server.url,
      '--first-user-username',
      cliOwner.username,
      '--first-user-email',
      cliOwner.email,
      '--first-user-password',
      cliOwner.password,
    ],
    { configDir },
  );
  assert.equal(login.code, 0, login.stderr);
  const cli = (...args: string[]) => runCli(args, { configDir, timeoutMs: 60_000 });
  return {
    server,
    configDir,
    cli,
    async ok(...args) {
      const r = await cli(...args);
      assert.equal(r.code, 0, `hangar ${args.join(' ')} failed (${r.code}):\n${r.stderr}`);
      return r.stdout;
    },
    stop: () => server.stop(),
  };
}

/** An API client signed in as the session's owner, to check through the API what the CLI did. */
export async function ownerApiClient(session: CliSession): Promise<HangarClient> {
  const client = new HangarClient(session.server.url);
  client.sessionToken = (
    await client.users.login({ email: cliOwner.email, password: cliOwner.password })
  ).session_token;
  return client;
}

/** A directory holding an echo-provisioner template (`echo.json`) and optional extra files. */
export async function echoTemplateDir(
  template: unknown,
  extra: Record<string, string> = {},
): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hangar-echo-template-'));
  await writeFile(path.join(dir, 'echo.json'), JSON.stringify(template, null, 2));
  for (const [name, text] of Object.entries(extra)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

/** A rich parameter as the echo provisioner's import returns it. */
export function echoParameter(name: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    display_name: '',
    description: '',
    type: 'string',
    mutable: true,
    default_value: '',
    icon: '',
    options: [],
    validation_error: '',
    validation_regex: '',
    validation_monotonic: '',
    ephemeral: false,
    order: 0,
    ...fields,
    // As the provider derives it: a parameter without a default must be given.
    required: (fields.required as boolean | undefined) ?? !fields.default_value,
  };
}
