/**
 * `hangar provisioner keys delete <name>`: revokes a key. Daemons connected with it are
 * disconnected at once and cannot reconnect, so it asks first unless --yes.
 */
import { Command } from 'commander';
import { CliError, ExitCode } from '../errors.js';
import { authedClient } from '../session.js';
import { canPrompt, promptConfirm } from '../ui/prompt.js';
import { organizationOption } from './options.js';

export function provisionerKeysDeleteCommand(): Command {
  return new Command('delete')
    .aliases(['rm', 'remove'])
    .description('Delete a provisioner key; daemons using it stop.')
    .argument('<name>', 'Key name.')
    .addOption(organizationOption())
    .option('-y, --yes', 'Do not ask for confirmation.')
    .action(async (name: string, opts: { org: string; yes?: boolean }, command: Command) => {
      if (!opts.yes) {
        if (!canPrompt())
          throw new CliError(`Refusing to delete provisioner key ${name} without confirmation.`, {
            exitCode: ExitCode.usage,
            hint: 'Pass --yes to delete without a prompt.',
          });
        const sure = await promptConfirm(
          `Delete provisioner key ${name}? Daemons using it will be disconnected.`,
        );
        if (!sure) throw new CliError('Cancelled.', { exitCode: ExitCode.interrupted });
      }
      const client = await authedClient(command);
      await client.provisioners.deleteKey(opts.org, name);
      process.stdout.write(`Provisioner key ${name} has been deleted.\n`);
    });
}
