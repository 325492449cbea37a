// Servers with built-in echo daemons and external daemon processes, for the provisioner tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultDeploymentValues, type DeploymentValues } from '../../src/sdk/deployment-options.js';
import { HangarClient } from '../../src/sdk/hangar-client.js';
import { nopLogger } from '../../src/sdk/logger.js';
import type { ProvisionerJob } from '../../src/sdk/provisioner-jobs.js';
import { startServer, type RunningServer } from '../../src/coderd/start-server.js';
import type { ProvisionerdTuning } from '../../src/coderd/provisionerdserver/provisionerd-service.js';
import type { ReplicaSyncTuning } from '../../src/coderd/replica-sync.js';
import { builtinDaemonStarter } from '../../src/provisionerd/built-in-daemons.js';
import { EchoProvisioner } from '../../src/provisioner/echo/echo-provisioner.js';
import { firstUser } from './coderd.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';
import { hangarBin } from './server.js';

export interface ProvisionerReplica {
  server: RunningServer;
  url: string;
  close(): Promise<void>;
}

export async function startReplica(
  dbUrl: string,
  builtin: number,
  tuning: Partial<ProvisionerdTuning> = {},
  values: Partial<DeploymentValues> = {},
  replicaSync: Partial<ReplicaSyncTuning> = {},
): Promise<ProvisionerReplica> {
  const server = await startServer({
    values: {
      ...defaultDeploymentValues(),
      httpAddress: '127.0.0.1:0',
      postgresUrl: dbUrl,
      provisionerDaemons: builtin,
      ...values,
    },
    configDir: '/nonexistent',
    logger: nopLogger,
    provisionerd: tuning,
    replicaSync,
    startBuiltinDaemons: builtinDaemonStarter({
      provisioners: [new EchoProvisioner()],
      logger: nopLogger,
      runner: { heartbeatMs: 200, forceCancelMs: 1_000 },
    }),
  });
  return { server, url: server.accessUrl.toString(), close: () => server.close() };
}

export async function ownerClient(url: string): Promise<HangarClient> {
  const c = new HangarClient(url);
  if (!(await c.users.hasFirstUser())) await c.users.createFirstUser(firstUser);
  c.sessionToken = (
    await c.users.login({ email: firstUser.email, password: firstUser.password })
  ).session_token;
  return c;
}

export interface ProvisionerTestEnv {
  db: TestDatabase;
  replica: ProvisionerReplica;
  owner: HangarClient;
  close(): Promise<void>;
}

export async function startProvisionerEnv(
  builtin: number,
  tuning: Partial<ProvisionerdTuning> = {},
  values: Partial<DeploymentValues> = {},
): Promise<ProvisionerTestEnv> {
  const db = await createTestDatabase();
  const replica = await startReplica(db.url, builtin, tuning, values);
  const owner = await ownerClient(replica.url);
  return {
    db,
    replica,
    owner,
    async close() {
      await replica.close();
      await db.dispose();
    },
  };
}

const terminal = new Set(['succeeded', 'failed', 'canceled']);

export async function waitForJob(
  client: HangarClient,
  id: string,
  until: (j: ProvisionerJob) => boolean = (j) => terminal.has(j.status),
  timeoutMs = 20_000,
): Promise<ProvisionerJob> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await client.provisioners.job('default', id);
    if (until(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ExternalDaemon {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/**
 * Runs `bin/hangar provisioner start` as a user would: a real external daemon process serving echo,
 * with a short heartbeat and force-cancel bound so tests see cancellation and hung jobs quickly.
 */
export function spawnExternalDaemon(args: {
  url: string;
  key?: string;
  psk?: string;
  name: string;
  tags?: Record<string, string>;
  extraArgs?: string[];
  /** Another build's `bin/hangar`; default this one's. */
  bin?: string;
}): ExternalDaemon {
  const argv = [
    args.bin ?? hangarBin,
    'provisioner',
    'start',
    '--url',
    args.url,
    '--name',
    args.name,
    '--provisioner-types',
    'echo',
    '--heartbeat-interval',
    '200ms',
    '--force-cancel-interval',
    '1s',
    '--log-format',
    'json',
    ...Object.entries(args.tags ?? {}).flatMap(([k, v]) => ['--tag', `${k}=${v}`]),
    ...(args.extraArgs ?? []),
  ];
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('HANGAR_')) delete env[k];
  if (args.key) env.HANGAR_PROVISIONER_DAEMON_KEY = args.key;
  if (args.psk) env.HANGAR_PROVISIONER_DAEMON_PSK = args.psk;
  // An empty config dir, so no stored session is picked up instead of the key.
  env.HANGAR_CONFIG_DIR = path.join(tmpdir(), 'hangar-daemon-no-session');
  const child = spawn(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}
