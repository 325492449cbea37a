/** The command tree of `hangar`, with the global options every command shares. */
import { Command, Option } from 'commander';
import { hangarVersion } from '../sdk/version.js';
import { serverCommand } from './server/server-command.js';

export function buildRootCommand(): Command {
  const program = new Command('hangar')
    .description('Hangar: self-hosted cloud development environments.')
    .version(hangarVersion, '--version', 'Print the version.')
    .addOption(new Option('--url <url>', 'URL of the Hangar deployment.').env('HANGAR_URL'))
    .addOption(
      new Option('--token <token>', 'Session token to authenticate with.').env('HANGAR_SESSION_TOKEN'),
    )
    .addOption(
      new Option('--global-config <dir>', 'Directory for CLI state and the bundled database.').env(
        'HANGAR_CONFIG_DIR',
      ),
    )
    .option('-v, --verbose', 'Print stack traces with errors.')
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(serverCommand());
  program
    .command('version')
    .description('Print the version.')
    .action(() => {
      process.stdout.write(`Hangar ${hangarVersion}\n`);
    });
  return program;
}
