/**
 * The `hangar` program itself: its global options and the settings every subcommand inherits,
 * without any subcommand. root.ts adds the whole tree; main.ts adds a single one for the commands
 * that must start fast (fastCommands there).
 */
import { Command, Option } from 'commander';

/**
 * `hangar --version` alone prints the version. It is not a commander option: commander parses
 * program options after subcommands too, and `templates pull --version <name>` needs its own.
 */
export function isVersionRequest(args: string[]): boolean {
  return args.length === 1 && args[0] === '--version';
}

/** The long global options that take a value, as commander parses them before a subcommand. */
const globalsWithValue = new Set(['--url', '--token', '--global-config']);

export function rootProgram(): Command {
  return new Command('hangar')
    .description('Hangar: self-hosted cloud development environments.')
    .addHelpText('after', '\nhangar --version prints the version.')
    .addOption(new Option('--url <url>', 'URL of the Hangar deployment.').env('HANGAR_URL'))
    .addOption(
      new Option('--token <token>', 'Session token to authenticate with.').env('HANGAR_SESSION_TOKEN'),
    )
    .addOption(
      new Option('--global-config <dir>', 'Directory for CLI state and the bundled database.').env(
        'HANGAR_CONFIG_DIR',
      ),
    )
    .option('-v, --verbose', 'Print stack traces with errors (also HANGAR_DEBUG=1).')
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .exitOverride();
}

/** Adds subcommands, which inherit exitOverride so usage errors reach main.ts instead of exiting. */
export function addSubcommands(program: Command, commands: Command[], hidden: Command[] = []): Command {
  for (const cmd of commands) program.addCommand(cmd);
  for (const cmd of hidden) program.addCommand(cmd, { hidden: true });
  const inherit = (cmd: Command) => {
    cmd
      .exitOverride()
      .showHelpAfterError('(add --help for usage)')
      .configureHelp({ showGlobalOptions: true });
    cmd.commands.forEach(inherit);
  };
  program.commands.forEach(inherit);
  return program;
}

/**
 * The subcommand word of `args` (argv after the script), skipping the global options before it;
 * undefined when there is none or an option it does not know comes first.
 */
export function subcommandOf(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-')) return a;
    if (a === '-v' || a === '--verbose' || /^--(url|token|global-config)=/.test(a)) continue;
    if (globalsWithValue.has(a)) {
      i++;
      continue;
    }
    return undefined;
  }
  return undefined;
}
