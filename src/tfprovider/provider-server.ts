/**
 * A long-lived coder provider inside the calling process, for Terraform to reattach to through
 * TF_REATTACH_PROVIDERS instead of starting the provider 3–5 times per command (docs/adr/0012).
 *
 * Terraform does not use TLS when it reattaches, so the server listens on a unix socket in a
 * fresh 0700 directory that only this user can enter. One server belongs to one workspace build:
 * the CODER_* environment it reads is fixed when it starts, and Terraform's ConfigureProvider
 * from each command replaces the previous configuration.
 */
import { tmpdir } from 'node:os';
import type { Logger } from '../sdk/logger.js';
import { coderProvider } from './coder/coder-provider.js';
import { startPluginServer } from './framework/plugin-server.js';
import { providerSource } from './version.js';

export interface ProviderServerOptions {
  /** The build's environment (CODER_AGENT_URL, CODER_WORKSPACE_*, CODER_PARAMETER_*, ...). */
  env: NodeJS.ProcessEnv;
  /** Parent of the socket's private directory; defaults to the OS temp dir. */
  socketDir?: string;
  logger?: Logger;
}

export interface ProviderServer {
  /** Value for TF_REATTACH_PROVIDERS in the environment of every terraform command. */
  readonly reattachProviders: string;
  close(): Promise<void>;
}

export async function startProviderServer(options: ProviderServerOptions): Promise<ProviderServer> {
  const server = await startPluginServer({
    provider: coderProvider,
    env: options.env,
    socketDir: options.socketDir ?? tmpdir(),
    closeOnShutdown: false,
    logger: options.logger,
  });
  const reattach = {
    [providerSource]: {
      Protocol: 'grpc',
      ProtocolVersion: 6,
      Pid: process.pid,
      // "Test" tells go-plugin the process is not Terraform's to kill: it is ours.
      Test: true,
      Addr: { Network: server.network, String: server.address },
    },
  };
  return { reattachProviders: JSON.stringify(reattach), close: () => server.close() };
}
