/** `hangar tokens create`: a named long-lived token; only the token goes to stdout, for scripts. */
import { randomBytes } from 'node:crypto';
import { Command, Option } from 'commander';
import type { CreateTokenRequest } from '../../../sdk/users.js';
import { parseDuration } from '../../duration.js';
import { CliError, ExitCode } from '../../errors.js';
import { authedClient } from '../../session.js';

interface CreateFlags {
  name?: string;
  lifetime?: string;
  scope?: 'all' | 'application_connect';
  user: string;
}

export function tokensCreateCommand(): Command {
  return new Command('create')
    .description('Create a long-lived API token and print it.')
    .option('-n, --name <name>', 'Token name (default: generated).')
    .option('--lifetime <duration>', "How long the token is valid, e.g. 30d or 720h (default: the server's).")
    .addOption(
      new Option('--scope <scope>', 'What the token may do.').choices(['all', 'application_connect']),
    )
    .option('-u, --user <user>', 'Create the token for another user (needs the right role).', 'me')
    .action(async (flags: CreateFlags, command: Command) => {
      const req: CreateTokenRequest = { token_name: flags.name ?? `cli-${randomBytes(4).toString('hex')}` };
      if (flags.lifetime !== undefined) {
        const ms = parseDuration(flags.lifetime);
        if (ms === undefined) {
          throw new CliError(`Invalid --lifetime "${flags.lifetime}".`, {
            exitCode: ExitCode.usage,
            hint: 'Use a duration such as 30d, 720h or 1h30m.',
          });
        }
        req.lifetime = ms * 1e6; // nanoseconds on the wire, as Go's time.Duration
      }
      if (flags.scope) req.scope = flags.scope;
      const client = await authedClient(command);
      const res = await client.users.createToken(flags.user, req);
      process.stdout.write(`${res.key}\n`);
    });
}
