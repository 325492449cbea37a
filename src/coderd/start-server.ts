/**
 * Brings up one coderd replica: the database (bundled or external), migrations, the API, and the
 * HTTP listener; returns a handle whose close() shuts it all down in reverse order.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type pg from 'pg';
import { InvalidInput, Unavailable } from '../sdk/errors.js';
import type { Logger } from '../sdk/logger.js';
import type { DeploymentValues } from '../sdk/deployment-options.js';
import { BundledPostgres } from '../database/postgres/bundled-postgres.js';
import { connectPostgres } from '../database/postgres/connect.js';
import { migrate } from '../database/postgres/migrator.js';
import { PgPubsub } from '../database/postgres/pubsub.js';
import { pgStore } from '../database/store.js';
import { Coderd } from './coderd.js';
import type { ProvisionerdTuning } from './provisionerdserver/provisionerd-service.js';
import type { ReplicaSyncTuning } from './replica-sync.js';
import { serveInProcess } from './provisionerdserver/in-process.js';
import type { DaemonConnection, DaemonRegistration } from '../sdk/provisionerd-protocol.js';

export interface StartServerOptions {
  values: DeploymentValues;
  configDir: string;
  logger: Logger;
  /** Called once if a dependency (the bundled database) dies and the server must stop. */
  onFatal?: (err: Error) => void;
  /** Hung-job and polling bounds (tests shorten them). */
  provisionerd?: Partial<ProvisionerdTuning>;
  /** The dashboard's build folder (default: the repository's site/dist). */
  siteDir?: string;
  /** Replica heartbeat bounds (tests shorten them). */
  replicaSync?: Partial<ReplicaSyncTuning>;
  /**
   * Starts the built-in daemons (`values.provisionerDaemons` of them) against this replica. The
   * daemon code lives in src/provisionerd, which src/coderd may not import, so the command that
   * starts the server passes it in (src/provisionerd/built-in-daemons.ts).
   */
  startBuiltinDaemons?: (serve: BuiltinDaemonServe, count: number) => BuiltinDaemons;
}

/** Serves one in-process daemon: registers it and returns its protocol endpoint. */
export type BuiltinDaemonServe = (registration: DaemonRegistration) => Promise<DaemonConnection>;

export interface BuiltinDaemons {
  /** Lets running jobs finish up to the bound, then fails them with a clear reason. */
  close(graceMs: number): Promise<void>;
}

export interface RunningServer {
  /** Where the listener is bound. */
  listenUrl: URL;
  accessUrl: URL;
  coderd: Coderd;
  close(): Promise<void>;
}

/** How long server shutdown waits for built-in daemons' jobs before failing them. */
const builtinDaemonGraceMs = 30_000;

export function parseHttpAddress(address: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(address);
  if (!m) throw InvalidInput.field('http-address', `"${address}" is not host:port.`);
  const port = Number(m[3]);
  if (port > 65535) throw InvalidInput.field('http-address', `Port ${port} is out of range.`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

export function parseRelayUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw InvalidInput.field('relay-url', `"${text}" is not a URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw InvalidInput.field('relay-url', `Use http:// or https://, not ${url.protocol}//.`);
  return url;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      const reason = err.code === 'EADDRINUSE' ? 'the address is already in use' : err.message;
      reject(new Unavailable(`Could not listen on ${host}:${port}: ${reason}.`, { cause: err }));
    };
    const onListening = () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { values, logger } = options;
  const cleanups: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const fn of cleanups.reverse())
      await fn().catch((err) => logger.error({ err }, 'shutdown step failed'));
    cleanups.length = 0;
  };
  try {
    // Checked before anything starts, so a typo fails at once.
    const relayUrl = values.relayUrl ? parseRelayUrl(values.relayUrl) : undefined;
    let url = values.postgresUrl;
    if (!url) {
      const dir = join(options.configDir, 'postgres');
      logger.info({ dir }, 'starting the bundled PostgreSQL');
      const bundled = await BundledPostgres.start({ dir, logger: logger.child({ component: 'postgres' }) });
      bundled.on('exit', (e) =>
        options.onFatal?.(
          new Error(`The bundled PostgreSQL stopped (code ${e.code}): ${e.log.slice(-3).join(' ')}`),
        ),
      );
      cleanups.push(() => bundled.stop());
      url = bundled.url;
    }
    const pool: pg.Pool = await connectPostgres(url, {
      logger: logger.child({ component: 'database' }),
      applicationName: 'hangar',
    });
    cleanups.push(() => pool.end());
    const { applied, version } = await migrate(pool, { logger });
    logger.info({ applied: applied.length, version }, 'database schema is current');
    const pubsub = await PgPubsub.create({ url, pool, logger: logger.child({ component: 'pubsub' }) });
    cleanups.push(() => pubsub.close());

    const { host, port } = parseHttpAddress(values.httpAddress);
    // The API needs the bound port (for the default access URL) before it exists: 503 until then.
    const target: { handle?: Coderd['handle'] } = {};
    const server = createServer({ requestTimeout: 0, keepAliveTimeout: 65_000 }, (req, res) => {
      if (target.handle) return target.handle(req, res);
      res.statusCode = 503;
      res.end();
    });
    const boundPort = await listen(server, host, port);
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          // Give in-flight requests a moment, then cut what is left (long polls, streams).
          setTimeout(() => server.closeAllConnections(), 2_000).unref();
        }),
    );
    const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
    const listenUrl = new URL(`http://${shownHost}:${boundPort}`);
    const accessUrl = new URL(values.accessUrl || listenUrl.toString());
    const coderd = await Coderd.create({
      store: pgStore(pool),
      pubsub,
      pubsubOnStoreDatabase: true,
      logger: logger.child({ component: 'coderd' }),
      values,
      accessUrl,
      provisionerd: options.provisionerd,
      siteDir: options.siteDir,
      relayUrl: relayUrl ?? listenUrl,
      replicaSync: options.replicaSync,
    });
    cleanups.push(() => coderd.close());
    target.handle = coderd.handle;
    server.on('upgrade', coderd.handleUpgrade);
    if (options.startBuiltinDaemons && values.provisionerDaemons > 0) {
      const daemons = options.startBuiltinDaemons(
        (reg) => serveInProcess(coderd, reg),
        values.provisionerDaemons,
      );
      // Runs before the pub/sub and pool close (cleanups run in reverse), so jobs can finish.
      cleanups.push(() => daemons.close(builtinDaemonGraceMs));
    }
    return { listenUrl, accessUrl, coderd, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
