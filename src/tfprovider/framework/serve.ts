/**
 * Runs a provider as the child process Terraform starts: checks go-plugin's handshake
 * environment, starts the server, prints the handshake line and returns once Terraform has shut
 * the server down.
 */
import type { ProviderDef } from './provider.js';
import { startPluginServer } from './plugin-server.js';
import { stderrLogger } from './stderr-logger.js';

/** Terraform's fixed go-plugin cookie: proves the process was started by Terraform. */
export const magicCookieKey = 'TF_PLUGIN_MAGIC_COOKIE';
export const magicCookieValue = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';

/** Serves until Terraform shuts the provider down; resolves with the exit code to use. */
export async function serveProvider<M>(
  provider: ProviderDef<M>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  if (env[magicCookieKey] !== magicCookieValue) {
    process.stderr.write(
      'This binary is a plugin. These are not meant to be executed directly.\n' +
        `Terraform runs it when a configuration uses the ${provider.name} provider.\n`,
    );
    return 1;
  }
  // Terraform's order varies between runs, so treat the list as a set.
  const offered = (env.PLUGIN_PROTOCOL_VERSIONS ?? '6').split(',').map((v) => v.trim());
  if (!offered.includes('6')) {
    process.stderr.write(`This provider speaks plugin protocol 6; Terraform offered ${offered.join(',')}.\n`);
    return 1;
  }
  const logger = stderrLogger(env, { provider: provider.name });
  const server = await startPluginServer({
    provider,
    env,
    clientCertPem: env.PLUGIN_CLIENT_CERT,
    socketDir: env.PLUGIN_UNIX_SOCKET_DIR,
    logger,
  });
  // Ctrl-C reaches the whole process group; Terraform stops providers itself (go-plugin does the same).
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => void server.close());
  process.stdout.write(server.handshakeLine + '\n');
  await server.closed;
  return 0;
}
