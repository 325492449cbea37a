/**
 * `hangar agent`: runs the workspace agent. Started by the template's init script with the
 * agent token in the environment (CODER_* names, so Coder templates work unchanged).
 */
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { Agent } from '../../agent/agent.js';
import { InvalidInput } from '../../sdk/errors.js';
import { createLogger } from '../logger.js';

interface AgentFlags {
  url?: string;
  token?: string;
  tokenFile?: string;
  logLevel: string;
  logDir?: string;
  scriptDataDir?: string;
}

/**
 * The root command also has --url and --token (for the user's session), and commander hands a flag
 * typed after the subcommand to the root when both define it. A value typed on the command line
 * wins over the agent's CODER_AGENT_* environment, as flags do everywhere else.
 */
function typedOnCommandLine(
  cmd: Command,
  name: 'url' | 'token',
  local: string | undefined,
): string | undefined {
  const root = cmd.parent;
  if (root?.getOptionValueSource(name) === 'cli') return root.opts<Record<string, string>>()[name];
  return local;
}

export function agentCommand(): Command {
  return new Command('agent')
    .description('Run the workspace agent (started by a template, not by hand).')
    .addOption(new Option('--url <url>', 'URL of the Hangar deployment.').env('CODER_AGENT_URL'))
    .addOption(new Option('--token <token>', 'The agent token.').env('CODER_AGENT_TOKEN'))
    .addOption(
      new Option('--token-file <path>', 'Read the agent token from a file.').env('CODER_AGENT_TOKEN_FILE'),
    )
    .addOption(
      new Option('--log-level <level>', 'debug, info, warn or error.')
        .env('CODER_AGENT_LOG_LEVEL')
        .default('info'),
    )
    .addOption(
      new Option('--log-dir <dir>', 'Where script log files go (default ~/.hangar/agent/logs).').env(
        'CODER_AGENT_LOG_DIR',
      ),
    )
    .addOption(
      new Option(
        '--script-data-dir <dir>',
        "Parent of the scripts' data directories (default ~/.hangar/agent).",
      ).env('CODER_AGENT_SCRIPT_DATA_DIR'),
    )
    .action(async (local: AgentFlags, cmd: Command) => {
      const flags = {
        ...local,
        url: typedOnCommandLine(cmd, 'url', local.url),
        token: typedOnCommandLine(cmd, 'token', local.token),
      };
      const token =
        flags.token ?? (flags.tokenFile ? (await readFile(flags.tokenFile, 'utf8')).trim() : undefined);
      if (!flags.url)
        throw new InvalidInput('The deployment URL is required.', {
          validations: [{ field: 'url', detail: 'Pass --url or set CODER_AGENT_URL.' }],
        });
      if (!token)
        throw new InvalidInput('The agent token is required.', {
          validations: [{ field: 'token', detail: 'Pass --token, --token-file or set CODER_AGENT_TOKEN.' }],
        });
      const logger = createLogger({ level: flags.logLevel, name: 'agent' });
      const agent = new Agent({
        url: new URL(flags.url),
        token,
        logger,
        logDir: flags.logDir,
        scriptDataDir: flags.scriptDataDir,
      });
      agent.start();
      // Terraform stops a local agent with SIGTERM; a terminal with SIGINT. Both shut down cleanly.
      await new Promise<void>((resolve) => {
        const stop = () => void agent.close().then(resolve);
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
}
