/**
 * `hangar provisioner keys create <name>`: a key external daemons authenticate with. The key goes
 * to stdout alone (for scripts) and is shown only this once; the server keeps just its hash.
 */
import { Command } from 'commander';
import { authedClient } from '../session.js';
import { organizationOption, parseTags, tagOption } from './options.js';

export function provisionerKeysCreateCommand(): Command {
  return new Command('create')
    .description('Create a provisioner key and print it.')
    .argument('<name>', 'Key name.')
    .addOption(organizationOption())
    .addOption(tagOption('Tag every daemon using this key gets (repeatable).'))
    .action(async (name: string, opts: { org: string; tag?: string[] }, command: Command) => {
      const tags = parseTags(opts.tag);
      const client = await authedClient(command);
      const { key } = await client.provisioners.createKey(opts.org, { name, tags });
      process.stderr.write(
        `Provisioner key ${name} created. Save it now: it will not be shown again.\n` +
          `Start a daemon with: hangar provisioner start --key <key>\n`,
      );
      process.stdout.write(`${key}\n`);
    });
}
