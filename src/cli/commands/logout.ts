/** `hangar logout`: revokes the session on the server and removes the stored session file. */
import { Command } from 'commander';
import { HangarError } from '../../sdk/errors.js';
import { authedClient, configFilesOf } from '../session.js';
import { canPrompt, promptConfirm } from '../ui/prompt.js';

export function logoutCommand(): Command {
  return new Command('logout')
    .description('Log out: revoke the session token and remove it from the config directory.')
    .option('-y, --yes', 'Do not ask for confirmation.')
    .action(async (opts: { yes?: boolean }, command: Command) => {
      const files = configFilesOf(command);
      const client = await authedClient(command);
      if (!opts.yes && canPrompt() && !(await promptConfirm('Are you sure you want to log out?', true))) {
        process.stderr.write('Not logged out.\n');
        return;
      }
      try {
        await client.users.logout();
      } catch (err) {
        // An expired or revoked session is already logged out on the server; still clear it locally.
        if (!(err instanceof HangarError && err.code === 'unauthenticated')) throw err;
      }
      const stored = await files.read('session');
      if (stored === client.sessionToken) await files.remove('session');
      process.stdout.write('You are now logged out.\n');
    });
}
