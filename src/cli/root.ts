/** The command tree of `hangar`, with the global options every command shares. */
import { Command, Option } from 'commander';
import { expCommand } from './commands/exp/example-error.js';
import { loginCommand } from './commands/login.js';
import { logoutCommand } from './commands/logout.js';
import { tokensCommand } from './commands/tokens.js';
import { usersCommand } from './commands/users.js';
import { versionCommand } from './commands/version.js';
import { whoamiCommand } from './commands/whoami.js';
import { provisionerCommand } from './provisioner/provisioner-command.js';
import { serverCommand } from './server/server-command.js';
import { agentCommand } from './agent/agent-command.js';
import { configSshCommand } from './commands/config-ssh.js';
import { portForwardCommand } from './commands/port-forward.js';
import { scaletestCommand } from './scaletest/scaletest-command.js';
import { sshCommand } from './commands/ssh.js';
import { templatesCommand } from './commands/templates.js';
import { createCommand } from './commands/workspaces/create.js';
import { deleteCommand } from './commands/workspaces/delete.js';
import { listCommand } from './commands/workspaces/list.js';
import { restartCommand } from './commands/workspaces/restart.js';
import { showCommand } from './commands/workspaces/show.js';
import { startCommand } from './commands/workspaces/start.js';
import { stateCommand } from './commands/workspaces/state.js';
import { stopCommand } from './commands/workspaces/stop.js';
import { updateCommand } from './commands/workspaces/update.js';

/**
 * `hangar --version` alone prints the version. It is not a commander option: commander parses
 * program options after subcommands too, and `templates pull --version <name>` needs its own.
 */
export function isVersionRequest(args: string[]): boolean {
  return args.length === 1 && args[0] === '--version';
}

export function buildRootCommand(): Command {
  const program = new Command('hangar')
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
  const commands = [
    loginCommand(),
    logoutCommand(),
    whoamiCommand(),
    usersCommand(),
    tokensCommand(),
    versionCommand(),
    serverCommand(),
    provisionerCommand(),
    templatesCommand(),
    sshCommand(),
    configSshCommand(),
    portForwardCommand(),
    createCommand(),
    listCommand(),
    showCommand(),
    startCommand(),
    stopCommand(),
    restartCommand(),
    updateCommand(),
    deleteCommand(),
    stateCommand(),
    scaletestCommand(),
  ];
  for (const cmd of commands) program.addCommand(cmd);
  program.addCommand(expCommand(), { hidden: true });
  program.addCommand(agentCommand(), { hidden: true });
  // Subcommands inherit exitOverride so usage errors reach main.ts instead of exiting directly.
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
