/**
 * `hangar ssh <workspace>[.agent]`: SSH into a workspace through coderd and the agent's tunnel.
 * `--stdio` pipes the raw SSH byte stream on stdin/stdout, for OpenSSH's ProxyCommand (and VS Code
 * Remote-SSH); without it, the system's OpenSSH client is run with that ProxyCommand.
 */
import { spawn } from 'node:child_process';
import { Command } from 'commander';
import { SessionTokenHeader } from '../../sdk/headers.js';
import type { HangarClient } from '../../sdk/hangar-client.js';
import { dialRawUpgrade } from '../../sdk/tunnel/index.js';
import { shellQuote } from '../../sdk/shell-quote.js';
import type { WorkspaceAgent } from '../../sdk/workspaces.js';
import { CliError, ExitCode } from '../errors.js';
import { authedClient } from '../session.js';
import { getWorkspace } from './workspaces/workspace-ref.js';

/** `owner/name.agent` → the workspace's agent (the only one, or the one named). */
export async function resolveAgent(client: HangarClient, ref: string): Promise<WorkspaceAgent> {
  const dot = ref.lastIndexOf('.');
  const [workspaceRef, agentName] = dot > 0 ? [ref.slice(0, dot), ref.slice(dot + 1)] : [ref, undefined];
  const workspace = await getWorkspace(client, workspaceRef);
  const agents = workspace.latest_build.resources.flatMap((r) => r.agents);
  const agent = agentName ? agents.find((a) => a.name === agentName) : agents[0];
  if (!agent) {
    throw new CliError(
      agentName
        ? `Workspace "${workspace.name}" has no agent "${agentName}" (it has: ${agents.map((a) => a.name).join(', ') || 'none'}).`
        : `Workspace "${workspace.name}" has no agent; is it running? (status: ${workspace.latest_build.status})`,
      { exitCode: ExitCode.notFound },
    );
  }
  if (!agentName && agents.length > 1)
    throw new CliError(
      `Workspace "${workspace.name}" has several agents; name one: ${workspace.name}.<agent>.`,
      {
        exitCode: ExitCode.usage,
      },
    );
  return agent;
}

/** Opens one tunnel stream to a service of the agent (`ssh`, `tcp:127.0.0.1:8080`). */
export async function dialAgent(client: HangarClient, agentId: string, target: string) {
  const url = client.apiUrl(`/workspaceagents/${encodeURIComponent(agentId)}/tunnel`, { target });
  return dialRawUpgrade(url, {
    headers: client.sessionToken ? { [SessionTokenHeader]: client.sessionToken } : {},
  });
}

export function sshCommand(): Command {
  return new Command('ssh')
    .description('Start a shell in a workspace, or (--stdio) serve as OpenSSH ProxyCommand.')
    .argument('<workspace>', 'NAME, OWNER/NAME, or either with .AGENT')
    .argument('[command...]', 'a command to run instead of a shell')
    .option('--stdio', 'Pipe the SSH connection on stdin and stdout (for ProxyCommand).')
    .action(async (ref: string, command: string[], flags: { stdio?: boolean }, cmd: Command) => {
      const client = await authedClient(cmd);
      const agent = await resolveAgent(client, ref);
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
      const proxy = [process.execPath, process.argv[1]!, 'ssh', '--stdio', ref].map(shellQuote);
      const args = [
        '-o',
        `ProxyCommand=${proxy.join(' ')}`,
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
        '-o',
        'LogLevel=ERROR',
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
          reject(new CliError(`Could not run ssh: ${err.message}`, { hint: 'Install the OpenSSH client.' })),
        );
        child.on('exit', (c) => resolve(c ?? 1));
      });
      // The remote command's status is ssh's status, and so ours.
      if (code !== 0) throw new CliError(`ssh exited with status ${code}.`, { exitCode: code });
    });
}
