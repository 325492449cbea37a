/**
 * `hangar provisioner start`: an external provisioner daemon (Coder's `coder provisioner start`).
 * It reaches coderd only over the daemon WebSocket, authenticated by a provisioner key, the PSK or
 * the logged-in session, and reconnects with backoff. Signals follow Coder: SIGTERM lets the
 * running job finish, SIGINT cancels it; a second signal of either kind cancels.
 */
import { hostname } from 'node:os';
import { Command, Option } from 'commander';
import { HangarError } from '../../sdk/errors.js';
import { hangarVersion } from '../../sdk/version.js';
import { ProvisionerDaemon } from '../../provisionerd/daemon.js';
import { websocketDialer } from '../../provisionerd/websocket-dialer.js';
import { collectCommaList } from '../comma-list.js';
import { defaultCacheDir } from '../config-dir.js';
import { parseDuration } from '../duration.js';
import { CliError, ExitCode } from '../errors.js';
import { createLogger } from '../logger.js';
import { configFilesOf, deploymentUrl, globalsOf } from '../session.js';
import { formatTags } from './format-tags.js';
import { organizationOption, parseTags, tagOption } from './options.js';
import {
  availableProvisionerTypes,
  defaultProvisionerTypes,
  loadProvisioners,
} from './provisioner-registry.js';

interface StartFlags {
  key?: string;
  psk?: string;
  tag?: string[];
  name: string;
  cacheDir: string;
  org: string;
  provisionerTypes: string[];
  forceCancelInterval: string;
  heartbeatInterval: string;
  logLevel: string;
  logFormat: string;
}

function durationFlag(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new CliError(`Invalid --${flag} "${text}".`, {
      exitCode: ExitCode.usage,
      hint: 'Use a duration such as 10s, 5m or 1h.',
    });
  return ms;
}

export function provisionerStartCommand(): Command {
  return (
    new Command('start')
      .description('Run a provisioner daemon that takes jobs from the server.')
      .addOption(
        new Option('--key <key>', 'Provisioner key to authenticate with (recommended).').env(
          'HANGAR_PROVISIONER_DAEMON_KEY',
        ),
      )
      .addOption(
        new Option('--psk <psk>', "The server's pre-shared key (--provisioner-daemon-psk).").env(
          'HANGAR_PROVISIONER_DAEMON_PSK',
        ),
      )
      .addOption(
        tagOption(
          'Tag the daemon serves, key=value (repeatable; not with --key).',
          'HANGAR_PROVISIONERD_TAGS',
        ),
      )
      .addOption(
        new Option('--name <name>', 'Name the daemon registers under (default: this host name).').env(
          'HANGAR_PROVISIONER_DAEMON_NAME',
        ),
      )
      .addOption(
        new Option('-c, --cache-dir <dir>', 'Directory for provisioner work and caches.')
          .env('HANGAR_CACHE_DIRECTORY')
          .default(defaultCacheDir(), '~/.cache/hangar'),
      )
      .addOption(organizationOption())
      .addOption(
        new Option(
          '--provisioner-types <types>',
          `Provisioner types to serve (comma-separated; available: ${availableProvisionerTypes.join(', ')}).`,
        )
          .env('HANGAR_PROVISIONER_TYPES')
          // commander hands the default in as `previous`: a given list replaces it, not extends it.
          .argParser((v, prev: string[]) => collectCommaList(v, prev === defaultProvisionerTypes ? [] : prev))
          .default(defaultProvisionerTypes, defaultProvisionerTypes.join(',')),
      )
      .addOption(
        new Option(
          '--force-cancel-interval <duration>',
          'How long a canceled job may take to stop before it is killed and failed.',
        )
          .env('HANGAR_PROVISIONER_FORCE_CANCEL_INTERVAL')
          .default('10m'),
      )
      // Tests shorten the heartbeat so hung-job detection can be exercised in seconds.
      .addOption(
        new Option('--heartbeat-interval <duration>', 'Interval between job updates.')
          .env('HANGAR_PROVISIONER_HEARTBEAT_INTERVAL')
          .default('5s')
          .hideHelp(),
      )
      .addOption(
        new Option('--log-level <level>', 'Minimum log level: debug, info, warn or error.')
          .env('HANGAR_LOG_LEVEL')
          .default('info'),
      )
      .addOption(
        new Option('--log-format <format>', 'Log format: json, human or auto.')
          .env('HANGAR_LOG_FORMAT')
          .default('auto'),
      )
      .action((flags: StartFlags, command: Command) => startDaemon(flags, command))
  );
}

async function startDaemon(flags: StartFlags, command: Command): Promise<void> {
  const url = await deploymentUrl(command);
  if (!url)
    throw new CliError('No deployment URL.', {
      exitCode: ExitCode.usage,
      hint: 'Pass --url (or HANGAR_URL), or run `hangar login <url>` first.',
    });
  if (flags.key && flags.tag?.length)
    throw new CliError('--tag cannot be used with --key: a provisioner key fixes the tags.', {
      exitCode: ExitCode.usage,
      hint: 'Create a key with the tags you need: hangar provisioner keys create <name> --tag key=value.',
    });
  const tags = parseTags(flags.tag);
  // Without a key or the PSK the daemon runs as the logged-in user (owners and template admins).
  const sessionToken =
    flags.key || flags.psk
      ? undefined
      : (globalsOf(command).token ?? (await configFilesOf(command).read('session')));
  if (!flags.key && !flags.psk && !sessionToken)
    throw new CliError('No credentials for the provisioner daemon.', {
      exitCode: ExitCode.unauthenticated,
      hint: 'Pass --key (create one with `hangar provisioner keys create <name>`), --psk, or log in first.',
    });
  const runner = {
    forceCancelMs: durationFlag('force-cancel-interval', flags.forceCancelInterval),
    heartbeatMs: durationFlag('heartbeat-interval', flags.heartbeatInterval),
  };
  const logger = createLogger({ level: flags.logLevel, format: flags.logFormat }).child({
    component: 'provisionerd',
  });
  const provisioners = await loadProvisioners(flags.provisionerTypes, { cacheDir: flags.cacheDir, logger });
  const name = flags.name || hostname().split('.')[0]!;

  let fatal: Error | undefined;
  const daemon = new ProvisionerDaemon({
    registration: { name, version: hangarVersion, provisioners: provisioners.map((p) => p.type), tags },
    dial: websocketDialer({
      url: url.toString(),
      organization: flags.org,
      key: flags.key,
      psk: flags.psk,
      sessionToken,
    }),
    provisioners,
    logger,
    runner,
    onFatal: (err) => (fatal = err),
  });
  process.stderr.write(
    `Provisioner daemon "${name}" serving ${provisioners.map((p) => p.type).join(', ')}` +
      `${flags.key ? '' : ` (tags: ${formatTags(tags) || 'none'})`} for ${url.toString()}\n`,
  );
  const onTerm = () => {
    process.stderr.write('Stop caught: finishing the running job, then exiting. Send SIGINT to cancel it.\n');
    void daemon.shutdown();
    process.once('SIGTERM', onInt);
  };
  const onInt = () => {
    process.stderr.write('Interrupt caught: canceling the running job and exiting.\n');
    void daemon.cancelAndStop();
  };
  process.once('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  try {
    await daemon.stopped;
  } finally {
    process.off('SIGTERM', onTerm);
    process.off('SIGTERM', onInt);
    process.off('SIGINT', onInt);
  }
  if (fatal) throw refused(fatal, Boolean(flags.key));
}

/** The daemon's dial error, with what to do about it. */
function refused(err: Error, usedKey: boolean): Error {
  const code = err instanceof HangarError ? err.code : undefined;
  if (code === 'unauthenticated' || code === 'forbidden')
    return new CliError(`The server refused the provisioner daemon: ${err.message}`, {
      exitCode: code === 'forbidden' ? ExitCode.forbidden : ExitCode.unauthenticated,
      detail: err instanceof HangarError ? err.detail : undefined,
      hint: usedKey
        ? 'The key may have been deleted. Create a new one with `hangar provisioner keys create <name>`.'
        : 'Pass a provisioner key with --key, or log in as an owner or template admin.',
    });
  return err;
}
