/**
 * `hangar state pull|push <workspace>`: a build's raw Terraform state. Push starts a build with
 * the given state (as Coder does), or with --no-build replaces the stored state in place.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import type { HangarClient } from '../../../sdk/hangar-client.js';
import type { Workspace, WorkspaceBuild } from '../../../sdk/workspaces.js';
import { CliError, ExitCode } from '../../errors.js';
import { authedClient } from '../../session.js';
import { resultLine, runBuild } from './build.js';
import { getWorkspace } from './workspace-ref.js';

const buildOption = () =>
  new Option('-b, --build <number>', 'Build number (default: the latest build).').argParser((v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) {
      throw new CliError(`--build expects a build number, got "${v}".`, { exitCode: ExitCode.usage });
    }
    return n;
  });

async function pickBuild(
  client: HangarClient,
  workspace: Workspace,
  number?: number,
): Promise<WorkspaceBuild> {
  if (number === undefined) return workspace.latest_build;
  const build = (await client.workspaces.builds(workspace.id)).find((b) => b.build_number === number);
  if (!build)
    throw new CliError(`Workspace "${workspace.name}" has no build #${number}.`, {
      exitCode: ExitCode.notFound,
    });
  return build;
}

function statePullCommand(): Command {
  return new Command('pull')
    .description("Write a build's Terraform state to a file or stdout.")
    .argument('<workspace>', 'Workspace name or owner/name.')
    .argument('[file]', 'File to write (default: stdout).')
    .addOption(buildOption())
    .action(async (ref: string, file: string | undefined, flags: { build?: number }, command: Command) => {
      const client = await authedClient(command);
      const workspace = await getWorkspace(client, ref);
      const build = await pickBuild(client, workspace, flags.build);
      const state = await client.workspaces.buildState(build.id);
      if (file) {
        await writeFile(file, state, { mode: 0o600 });
        process.stderr.write(
          `Wrote the state of build #${build.build_number} (${state.length} bytes) to ${file}.\n`,
        );
      } else {
        process.stdout.write(state);
      }
    });
}

function statePushCommand(): Command {
  return (
    new Command('push')
      .description('Use a Terraform state file for a workspace: a new build starts from it.')
      .argument('<workspace>', 'Workspace name or owner/name.')
      .argument('<file>', 'State file to upload ("-" for stdin).')
      .addOption(buildOption())
      // Shares the attribute with --build: false means "replace the latest build's state in place".
      .option('--no-build', "Replace the latest build's stored state instead of starting a build.")
      .action(async (ref: string, file: string, flags: { build?: number | false }, command: Command) => {
        const client = await authedClient(command);
        const workspace = await getWorkspace(client, ref);
        const noBuild = flags.build === false;
        const target = await pickBuild(client, workspace, flags.build === false ? undefined : flags.build);
        const state = file === '-' ? await readStdin() : await readFile(file);
        if (noBuild) {
          await client.workspaces.putBuildState(target.id, state);
          process.stdout.write(`Replaced the state of build #${target.build_number} of "${ref}".\n`);
          return;
        }
        const followed = await runBuild(client, workspace, ref, {
          transition: target.transition,
          template_version_id: target.template_version_id,
          state: Buffer.from(state).toString('base64'),
        });
        process.stdout.write(resultLine(ref, target.transition, followed));
      })
  );
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function stateCommand(): Command {
  return new Command('state')
    .description("Read or replace a workspace build's Terraform state.")
    .addCommand(statePullCommand())
    .addCommand(statePushCommand());
}
