/** The command tree of `hangar`, with the global options every command shares. */
import type { Command } from 'commander';
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
import { addSubcommands, rootProgram } from './root-program.js';
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

export function buildRootCommand(): Command {
  return addSubcommands(
    rootProgram(),
    [
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
    ],
    [expCommand(), agentCommand()],
  );
}
