/**
 * `hangar server`: flags and HANGAR_* variables come from the one options table in src/sdk; runs
 * until SIGINT/SIGTERM, then shuts down gracefully.
 */
import { Command, Option } from 'commander';
import { serverOptions, parseOptionValue, type DeploymentValues } from '../../sdk/deployment-options.js';
import { createLogger } from '../logger.js';
import { defaultCacheDir, resolveConfigDir } from '../config-dir.js';

function flagName(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Resolves each option: flag, else environment variable, else default; errors name the flag. */
export function resolveValues(opts: Record<string, string | undefined>, env = process.env): DeploymentValues {
  const out: Record<string, unknown> = {};
  for (const o of serverOptions) {
    const text = opts[flagName(o.flag)] ?? env[o.env] ?? o.default;
    out[o.key] = parseOptionValue(o, text);
  }
  const values = out as unknown as DeploymentValues;
  if (!values.cacheDir) values.cacheDir = defaultCacheDir();
  return values;
}

export function serverCommand(): Command {
  const cmd = new Command('server').description(
    'Start the Hangar server (API, dashboard, built-in provisioners).',
  );
  for (const o of serverOptions) {
    const opt = new Option(
      `--${o.flag} <${o.type === 'bool' ? 'true|false' : o.type}>`,
      `${o.description} [env: ${o.env}]`,
    );
    if (o.default && !o.secret) opt.default(undefined, o.default);
    if (o.hidden) opt.hideHelp();
    cmd.addOption(opt);
  }
  cmd.action(async (opts: Record<string, string | undefined>, command: Command) => {
    const globals = command.optsWithGlobals() as { globalConfig?: string };
    const values = resolveValues(opts);
    // Loaded on demand: every other `hangar` command would otherwise pay for the whole server.
    const { startServer } = await import('../../coderd/start-server.js');
    const { builtinDaemonStarter } = await import('../../provisionerd/built-in-daemons.js');
    const { availableProvisionerTypes, loadProvisioners } =
      await import('../provisioner/provisioner-registry.js');
    const logger = createLogger({ level: values.logLevel, format: values.logFormat });
    const daemonLogger = logger.child({ component: 'provisionerd' });
    const configDir = resolveConfigDir(globals.globalConfig);
    let fatal: Error | undefined;
    let wake: () => void = () => {};
    const stopped = new Promise<void>((resolve) => (wake = resolve));
    const server = await startServer({
      values,
      configDir,
      logger,
      // The built-in daemons run the same code as external ones (src/provisionerd) and serve every
      // provisioner this build has (provisioner-registry.ts).
      startBuiltinDaemons: builtinDaemonStarter({
        provisioners: await loadProvisioners(availableProvisionerTypes, {
          cacheDir: values.cacheDir,
          terraformPath: values.terraformPath,
          terraformReleasesUrl: values.terraformReleasesUrl,
          logger: daemonLogger,
        }),
        logger: daemonLogger,
      }),
      onFatal: (err) => {
        fatal = err;
        wake();
      },
    });
    const usingBundled = !values.postgresUrl;
    process.stderr.write(
      `\nHangar ${server.coderd.deploymentId ? '' : ''}is running at ${server.accessUrl.toString()}\n` +
        `  database: ${usingBundled ? `bundled PostgreSQL under ${configDir}/postgres` : 'external PostgreSQL'}\n` +
        `  create the first user: hangar login ${server.accessUrl.toString()}  (or open the URL in a browser)\n\n`,
    );
    const onSignal = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      wake();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    await stopped;
    await server.close();
    logger.info('stopped');
    if (fatal) throw fatal;
  });
  return cmd;
}
