/** `hangar templates edit <name>`: change a template's settings; only the flags given change. */
import { Command, Option } from 'commander';
import type { UpdateTemplateMeta } from '../../../sdk/templates.js';
import { CliError, ExitCode } from '../../errors.js';
import { boolFlag, durationFlag } from '../../flag-parsers.js';
import { authedClient } from '../../session.js';
import { getTemplate } from './template-lookup.js';

interface EditFlags {
  name?: string;
  displayName?: string;
  description?: string;
  icon?: string;
  defaultTtl?: number;
  activityBump?: number;
  failureTtl?: number;
  allowUserAutostart?: boolean;
  allowUserAutostop?: boolean;
  allowUserCancelWorkspaceJobs?: boolean;
  deprecated?: string;
  requireActiveVersion?: boolean;
  org?: string;
}

const boolOption = (flag: string, description: string) =>
  new Option(`${flag} [bool]`, description).argParser(boolFlag(flag));
const durationOption = (flag: string, description: string) =>
  new Option(`${flag} <duration>`, description).argParser(durationFlag(flag));

export function templatesEditCommand(): Command {
  return new Command('edit')
    .description("Edit a template's settings.")
    .argument('<template>', 'Template name.')
    .option('--name <name>', 'New name.')
    .option('--display-name <text>', 'Name shown in the dashboard.')
    .option('--description <text>', 'Description.')
    .option('--icon <url>', 'Icon URL or path.')
    .addOption(
      durationOption('--default-ttl', 'Stop workspaces this long after they start, e.g. 8h (0: never).'),
    )
    .addOption(durationOption('--activity-bump', 'How far activity pushes the stop time, e.g. 1h (0: off).'))
    .addOption(durationOption('--failure-ttl', 'Stop failed workspaces after this long (0: never).'))
    .addOption(boolOption('--allow-user-autostart', 'Let users set an autostart schedule.'))
    .addOption(boolOption('--allow-user-autostop', 'Let users set their own autostop.'))
    .addOption(boolOption('--allow-user-cancel-workspace-jobs', 'Let users cancel their workspace builds.'))
    .option('--deprecated <message>', 'Deprecate the template with this message ("" un-deprecates).')
    .addOption(boolOption('--require-active-version', 'Make workspaces always build the active version.'))
    .option('-O, --org <organization>', 'Organization (default: your default organization).')
    .action(async (name: string, flags: EditFlags, command: Command) => {
      const req: UpdateTemplateMeta = {
        name: flags.name,
        display_name: flags.displayName,
        description: flags.description,
        icon: flags.icon,
        default_ttl_ms: flags.defaultTtl,
        activity_bump_ms: flags.activityBump,
        failure_ttl_ms: flags.failureTtl,
        allow_user_autostart: flags.allowUserAutostart,
        allow_user_autostop: flags.allowUserAutostop,
        allow_user_cancel_workspace_jobs: flags.allowUserCancelWorkspaceJobs,
        deprecation_message: flags.deprecated,
        require_active_version: flags.requireActiveVersion,
      };
      const changes = Object.fromEntries(Object.entries(req).filter(([, v]) => v !== undefined));
      if (Object.keys(changes).length === 0) {
        throw new CliError('Nothing to change.', {
          exitCode: ExitCode.usage,
          hint: 'Pass at least one setting, e.g. --default-ttl 8h (see --help).',
        });
      }
      const client = await authedClient(command);
      const template = await getTemplate(client, name, flags.org);
      const updated = await client.templates.update(template.id, changes);
      process.stdout.write(`Template "${updated.name}" updated (${Object.keys(changes).join(', ')}).\n`);
    });
}
