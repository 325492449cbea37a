/**
 * `hangar ssh <workspace>[.agent]`: SSH into a workspace through coderd and the agent's tunnel.
 * `--stdio` pipes the raw SSH byte stream on stdin/stdout, for OpenSSH's ProxyCommand (and VS Code
 * Remote-SSH); without it, the system's OpenSSH client is run with that ProxyCommand. Either
 * first waits for the agent (`--wait`, ui/agent-wait.ts), showing startup logs on stderr.
 */
import { spawn } from 'node:child_process';
import { Command, Option } from 'commander';
import { CliError } from '../errors.js';
import { authedClient } from '../session.js';
import { shouldWait, waitForAgent, type WaitMode } from '../ui/agent-wait.js';
import { openSshOptions, proxyCommand } from './config-ssh/ssh-config-block.js';
import { dialAgent, resolveAgent } from './workspaces/agent-connection.js';

interface SshFlags {
  stdio?: boolean;
  wait: WaitMode;
  waited?: boolean;
  disableAutostart?: boolean;
}

export function sshCommand(): Command {
  return (
    new Command('ssh')
      .description('Start a shell in a workspace, or (--stdio) serve as OpenSSH ProxyCommand.')
      .argument('<workspace>', 'NAME, OWNER/NAME, or either with .AGENT')
      .argument('[command...]', 'a command to run instead of a shell')
      .option('--stdio', 'Pipe the SSH connection on stdin and stdout (for ProxyCommand).')
      .addOption(
        new Option(
          '--wait <when>',
          'Wait for the startup scripts before connecting: yes, no, or auto (when a script blocks login).',
        )
          .choices(['yes', 'no', 'auto'])
          .default('auto')
          .env('HANGAR_SSH_WAIT'),
      )
      // Set by `hangar ssh` on the ProxyCommand it runs: it has waited (and shown the logs) already.
      .addOption(new Option('--waited').hideHelp())
      .option('--disable-autostart', 'Fail instead of starting a stopped workspace.')
      .action(async (ref: string, command: string[], flags: SshFlags, cmd: Command) => {
        const client = await authedClient(cmd);
        const agent = await resolveAgent(client, ref, { autostart: !flags.disableAutostart });
        if (!flags.waited)
          await waitForAgent(client, agent.id, { wait: shouldWait(flags.wait, agent), agent });
        if (flags.stdio) {
          const socket = await dialAgent(client, agent.id, 'ssh');
          process.stdin.pipe(socket);
          socket.pipe(process.stdout);
          await new Promise<void>((resolve, reject) => {
            socket.on('close', () => resolve());
            // The server sent its last byte: an SSH connection is over (a server that died, or a
            // replica relaying it that died, looks the same). Ending here closes our stdout, so
            // OpenSSH sees EOF instead of waiting on a half-open pipe forever.
            socket.on('end', () => resolve());
            socket.on('error', reject);
          });
          return;
        }
        // The system ssh runs this same command with --stdio; it inherits the session through env.
        const proxy = proxyCommand([process.execPath, process.argv[1]!], undefined, ref, ['--waited']);
        const args = [
          // The options config-ssh writes, so both ways of connecting behave alike.
          ...openSshOptions(proxy),
          ...(command.length ? [] : ['-t']),
          `hangar.${ref.replace(/\//g, '--')}`,
          ...command,
        ];
        const code = await new Promise<number>((resolve, reject) => {
          const child = spawn('ssh', args, {
            stdio: 'inherit',
            env: {
              ...process.env,
              HANGAR_URL: client.url.toString(),
              HANGAR_SESSION_TOKEN: client.sessionToken ?? '',
            },
          });
          child.on('error', (err) =>
            reject(
              new CliError(`Could not run ssh: ${err.message}`, { hint: 'Install the OpenSSH client.' }),
            ),
          );
          child.on('exit', (c) => resolve(c ?? 1));
        });
        // The remote command's status is ssh's status, and so ours.
        if (code !== 0) throw new CliError(`ssh exited with status ${code}.`, { exitCode: code });
      })
  );
}
