/** `hangar provisioner …`: run provisioner daemons and manage their jobs and keys. */
import { Command } from 'commander';
import { provisionerJobsListCommand } from './jobs-list.js';
import { provisionerKeysCreateCommand } from './keys-create.js';
import { provisionerKeysDeleteCommand } from './keys-delete.js';
import { provisionerKeysListCommand } from './keys-list.js';
import { provisionerListCommand } from './list.js';
import { provisionerStartCommand } from './start.js';

export function provisionerCommand(): Command {
  return new Command('provisioner')
    .alias('provisioners')
    .description('Run provisioner daemons and manage their jobs and keys.')
    .addCommand(provisionerStartCommand())
    .addCommand(provisionerListCommand())
    .addCommand(
      new Command('jobs').description('View provisioner jobs.').addCommand(provisionerJobsListCommand()),
    )
    .addCommand(
      new Command('keys')
        .description('Manage provisioner keys.')
        .addCommand(provisionerKeysCreateCommand())
        .addCommand(provisionerKeysListCommand())
        .addCommand(provisionerKeysDeleteCommand()),
    );
}
