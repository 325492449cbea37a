/**
 * The gRPC server Terraform talks to: the provider service plus go-plugin's controller, broker
 * and stdio services, behind mutual TLS when Terraform asks for it (it always does, except when
 * it reattaches to a running server).
 *
 * With TLS it listens on 127.0.0.1 (an ephemeral port): a socket file would be left behind when
 * Terraform SIGKILLs the process, and mTLS already keeps other local users out. Without TLS (a
 * long-lived server Terraform reattaches to) it uses a unix socket in a fresh 0700 directory,
 * removed on close. Linux abstract sockets would have neither problem, but Node 20 binds them
 * with a NUL-padded name that Go cannot dial.
 */
import { Server, ServerCredentials, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../sdk/logger.js';
import { nopLogger } from '../../sdk/logger.js';
import type { ProviderDef } from './provider.js';
import { providerService } from './provider-service.js';
import { loadProtoRoot, serviceDefinition } from './proto-root.js';
import { generateServerCertificate, rawBase64 } from './tls-cert.js';

export interface PluginServerOptions<M> {
  provider: ProviderDef<M>;
  /** The environment the provider reads (CODER_* variables). Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Terraform's client certificate (PLUGIN_CLIENT_CERT). Without it the server is plaintext. */
  clientCertPem?: string;
  /** Listen on a unix socket in a new directory under this one (PLUGIN_UNIX_SOCKET_DIR). */
  socketDir?: string;
  /** What go-plugin's Shutdown does: close this server (one-shot process) or nothing (shared). */
  closeOnShutdown?: boolean;
  logger?: Logger;
}

export interface PluginServer {
  readonly network: 'unix' | 'tcp';
  /** Socket path, or host:port. */
  readonly address: string;
  /** The go-plugin handshake line, without the trailing newline. */
  readonly handshakeLine: string;
  /** Settles when the server has stopped, after close() or go-plugin's Shutdown. */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

export async function startPluginServer<M>(options: PluginServerOptions<M>): Promise<PluginServer> {
  const logger = options.logger ?? nopLogger;
  const root = await loadProtoRoot();
  const grpcServer = new Server();
  const openStreams = new Set<{ end(): void }>();
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));

  grpcServer.addService(
    serviceDefinition(root, 'tfplugin6.Provider'),
    providerService(options.provider, options.env ?? process.env, logger),
  );
  const holdOpen = (call: { end(): void; on(ev: string, cb: () => void): void }) => {
    openStreams.add(call);
    call.on('cancelled', () => openStreams.delete(call));
  };
  grpcServer.addService(serviceDefinition(root, 'plugin.GRPCBroker'), {
    StartStream: holdOpen,
  } as UntypedServiceImplementation);
  grpcServer.addService(serviceDefinition(root, 'plugin.GRPCStdio'), {
    StreamStdio: holdOpen,
  } as UntypedServiceImplementation);
  grpcServer.addService(serviceDefinition(root, 'plugin.GRPCController'), {
    Shutdown: (_call: unknown, callback: (err: null, res: object) => void) => {
      callback(null, {});
      // Let the response flush before the connection goes away.
      if (options.closeOnShutdown ?? true) setImmediate(() => void close());
    },
  } as UntypedServiceImplementation);

  let cert: ReturnType<typeof generateServerCertificate> | undefined;
  let credentials = ServerCredentials.createInsecure();
  if (options.clientCertPem) {
    cert = generateServerCertificate();
    credentials = ServerCredentials.createSsl(
      Buffer.from(options.clientCertPem),
      [{ private_key: Buffer.from(cert.keyPem), cert_chain: Buffer.from(cert.certPem) }],
      true,
    );
  }
  const injector = grpcServer.createConnectionInjector(credentials);
  const sockets = new Set<Socket>();
  const listener = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    injector.injectConnection(socket);
  });

  let socketDir: string | undefined;
  let network: 'unix' | 'tcp' = 'tcp';
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    if (cert && !options.socketDir) listener.listen(0, '127.0.0.1', () => resolve());
    else {
      network = 'unix';
      socketDir = mkdtempSync(join(options.socketDir ?? tmpdir(), 'hangar-tfprovider-'));
      listener.listen(join(socketDir, 'provider.sock'), () => resolve());
    }
  });
  const bound = listener.address();
  const address = typeof bound === 'string' ? bound : `127.0.0.1:${bound?.port}`;

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= (async () => {
      logger.debug({ address }, 'provider server stopping');
      for (const call of openStreams) call.end();
      openStreams.clear();
      await new Promise<void>((r) => listener.close(() => r()));
      injector.destroy();
      grpcServer.forceShutdown();
      for (const s of sockets) s.destroy();
      if (socketDir) rmSync(socketDir, { recursive: true, force: true });
      resolveClosed();
    })();
    return closing;
  }

  const certField = cert ? rawBase64(cert.certDer) : '';
  return {
    network,
    address,
    handshakeLine: `1|6|${network}|${address}|grpc|${certField}`,
    closed,
    close,
  };
}
