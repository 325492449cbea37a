/**
 * `hangar create [owner/]name -t template`: the template's active version, its parameters from
 * flags, a file or prompts, a summary to confirm, then the first build followed live.
 */
import { Command, Option } from 'commander';
import { CliError, ExitCode } from '../../errors.js';
import { durationFlag } from '../../flag-parsers.js';
import { authedClient } from '../../session.js';
import { formatDurationMs } from '../../duration.js';
import { canPrompt, promptConfirm, promptSelect } from '../../ui/prompt.js';
import { getTemplate } from '../templates/template-lookup.js';
import { followBuild, resultLine } from './build.js';
import { withParameterOptions } from './parameter-options.js';
import { givenParameters, resolveParameters, type ParameterFlags } from './parameters.js';
import { parseWorkspaceRef } from './workspace-ref.js';

interface CreateFlags extends ParameterFlags {
  template?: string;
  stopAfter?: number;
  yes?: boolean;
  org?: string;
}

export function createCommand(): Command {
  const cmd = new Command('create')
    .description('Create a workspace from a template and start it.')
    .argument('<workspace>', 'Workspace name, or owner/name to create it for someone else.')
    .option('-t, --template <name>', 'Template to use (prompted for on a terminal if missing).')
    .addOption(
      new Option(
        '--stop-after <duration>',
        'Stop the workspace this long after it starts, e.g. 8h.',
      ).argParser(durationFlag('--stop-after')),
    )
    .option('-y, --yes', 'Do not ask for confirmation.')
    .option('-O, --org <organization>', 'Organization (default: your default organization).');
  return withParameterOptions(cmd).action(async (refText: string, flags: CreateFlags, command: Command) => {
    const ref = parseWorkspaceRef(refText);
    const client = await authedClient(command);
    let templateName = flags.template;
    if (!templateName) {
      if (!canPrompt()) {
        throw new CliError('Missing -t/--template.', {
          exitCode: ExitCode.usage,
          hint: 'Run `hangar templates list` to see the templates you can use.',
        });
      }
      const templates = await client.templates.list();
      if (templates.length === 0) throw new CliError('There are no templates yet; push one first.');
      templateName = await promptSelect(
        'Template:',
        templates.map((t) => ({ name: t.display_name || t.name, value: t.name, description: t.description })),
      );
    }
    const template = await getTemplate(client, templateName, flags.org);
    const version = await client.templates.version(template.active_version_id);
    const params = await client.templates.versionParameters(version.id);
    const values = await resolveParameters(params, await givenParameters(flags), {
      askOptional: true,
      command: `hangar create ${refText} -t ${template.name}`,
    });

    const summary = [
      `Workspace:  ${refText}`,
      `Template:   ${template.name} (version ${version.name})`,
      ...(values.length ? [`Parameters: ${values.map((v) => `${v.name}=${v.value}`).join(', ')}`] : []),
      ...(flags.stopAfter !== undefined ? [`Stop after: ${formatDurationMs(flags.stopAfter)}`] : []),
    ];
    process.stderr.write(`${summary.join('\n')}\n`);
    if (!flags.yes && canPrompt() && !(await promptConfirm('Create this workspace?', true))) {
      throw new CliError('Cancelled.', { exitCode: ExitCode.interrupted });
    }

    const workspace = await client.workspaces.create(ref.owner, {
      template_id: template.id,
      name: ref.name,
      rich_parameter_values: values,
      ttl_ms: flags.stopAfter,
    });
    const followed = await followBuild(client, workspace.latest_build, refText);
    process.stdout.write(resultLine(refText, 'start', followed));
  });
}
