// An in-process coderd on a fresh per-test database, with helpers to act as different users.
// Multi-process tests (the CLI, daemons, agents) use ./server.ts instead, which spawns bin/hangar.
import { defaultDeploymentValues, type DeploymentValues } from '../../src/sdk/deployment-options.js';
import { HangarClient } from '../../src/sdk/hangar-client.js';
import { nopLogger } from '../../src/sdk/logger.js';
import type { SiteRole } from '../../src/sdk/users.js';
import { startServer, type RunningServer } from '../../src/coderd/start-server.js';
import { builtinDaemonStarter } from '../../src/provisionerd/built-in-daemons.js';
import { EchoProvisioner } from '../../src/provisioner/echo/echo-provisioner.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';

export const firstUser = { email: 'owner@example.com', username: 'owner', password: 'Owner-Passw0rd!x' };

export interface TestCoderd {
  url: string;
  server: RunningServer;
  db: TestDatabase;
  /** A client with no session. */
  anonymous(): HangarClient;
  /** A client signed in as the first user (owner); created on first call. */
  owner(): Promise<HangarClient>;
  /** Creates a user with the given site roles and returns a client signed in as them. */
  newUser(
    username: string,
    roles?: SiteRole[],
  ): Promise<{ client: HangarClient; id: string; password: string }>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface TestCoderdOptions {
  /** Built-in echo daemons serving this coderd (0: jobs stay queued). */
  echoDaemons?: number;
  /** The dashboard build to serve (default: the repository's site/dist). */
  siteDir?: string;
}

export async function startTestCoderd(
  overrides: Partial<DeploymentValues> = {},
  options: TestCoderdOptions = {},
): Promise<TestCoderd> {
  const db = await createTestDatabase();
  const values = {
    ...defaultDeploymentValues(),
    httpAddress: '127.0.0.1:0',
    postgresUrl: db.url,
    provisionerDaemons: options.echoDaemons ?? 0,
    ...overrides,
  };
  const server = await startServer({
    values,
    configDir: '/nonexistent',
    logger: nopLogger,
    siteDir: options.siteDir,
    startBuiltinDaemons: builtinDaemonStarter({
      provisioners: [new EchoProvisioner()],
      logger: nopLogger,
      runner: { heartbeatMs: 200, forceCancelMs: 1_000 },
    }),
  });
  const url = server.accessUrl.toString();
  let owner: Promise<HangarClient> | undefined;
  const login = async (email: string, password: string) => {
    const c = new HangarClient(url);
    c.sessionToken = (await c.users.login({ email, password })).session_token;
    return c;
  };
  const t: TestCoderd = {
    url,
    server,
    db,
    anonymous: () => new HangarClient(url),
    owner() {
      owner ??= (async () => {
        if (!(await new HangarClient(url).users.hasFirstUser()))
          await new HangarClient(url).users.createFirstUser(firstUser);
        return login(firstUser.email, firstUser.password);
      })();
      return owner;
    },
    async newUser(username, roles = []) {
      const admin = await t.owner();
      const password = `${username}-Passw0rd!x`;
      const email = `${username}@example.com`;
      const user = await admin.users.create({ username, email, password, roles });
      return { client: await login(email, password), id: user.id, password };
    },
    async close() {
      await server.close();
      await db.dispose();
    },
    [Symbol.asyncDispose]: () => t.close(),
  };
  return t;
}

/** Asserts that `fn` rejects with a HangarError of `code`; returns the error for more checks. */
export async function expectError(
  code: string,
  fn: () => Promise<unknown>,
): Promise<Error & { code: string; validations: { field: string; detail: string }[] }> {
  try {
    await fn();
  } catch (err) {
    const e = err as Error & { code: string; validations: { field: string; detail: string }[] };
    if (e.code !== code)
      throw new Error(`expected error code ${code}, got ${e.code ?? 'none'}: ${e.message}`, { cause: err });
    return e;
  }
  throw new Error(`expected error code ${code}, but the call succeeded`);
}
