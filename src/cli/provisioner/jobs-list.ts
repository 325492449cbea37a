/** `hangar provisioner jobs list`: the organization's provisioner jobs, newest first. */
import { Command, Option } from 'commander';
import {
  provisionerJobStatuses,
  type ProvisionerJob,
  type ProvisionerJobStatus,
} from '../../sdk/provisioner-jobs.js';
import { CliError, ExitCode } from '../errors.js';
import { authedClient } from '../session.js';
import { formatTime } from '../ui/format.js';
import { OutputFormatter, type Column } from '../ui/output.js';
import { formatTags } from './format-tags.js';
import { organizationOption } from './options.js';
import { collectCommaList } from '../comma-list.js';

const columns: Column<ProvisionerJob>[] = [
  { name: 'id', value: (j) => j.id, default: true },
  { name: 'created at', value: (j) => formatTime(j.created_at), default: true },
  { name: 'type', value: (j) => j.type, default: true },
  { name: 'provisioner', value: (j) => j.provisioner },
  { name: 'status', value: (j) => j.status, default: true },
  {
    name: 'queue',
    value: (j) => (j.status === 'pending' ? `${j.queue_position}/${j.queue_size}` : ''),
    default: true,
  },
  { name: 'worker', value: (j) => j.worker_name ?? '', default: true },
  { name: 'tags', value: (j) => formatTags(j.tags) },
  { name: 'error', value: (j) => j.error ?? '' },
  { name: 'completed at', value: (j) => formatTime(j.completed_at) },
];

const output = new OutputFormatter<ProvisionerJob>({ columns, empty: 'No provisioner jobs found.' });

interface JobsListFlags {
  org: string;
  status?: string[];
  limit: string;
}

export function provisionerJobsListCommand(): Command {
  const cmd = new Command('list')
    .alias('ls')
    .description('List provisioner jobs, newest first.')
    .addOption(organizationOption())
    .addOption(
      new Option(
        '-s, --status <status>',
        `Only jobs in these statuses (comma-separated or repeated): ${provisionerJobStatuses.join(', ')}.`,
      ).argParser(collectCommaList),
    )
    .option('-l, --limit <n>', 'At most this many jobs (1–1000).', '50');
  return output.attach(cmd).action(async (flags: JobsListFlags, command: Command) => {
    const limit = Number(flags.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new CliError(`Invalid --limit "${flags.limit}".`, {
        exitCode: ExitCode.usage,
        hint: 'Use a whole number from 1 to 1000.',
      });
    const unknown = flags.status?.find((s) => !(provisionerJobStatuses as readonly string[]).includes(s));
    if (unknown !== undefined)
      throw new CliError(`Unknown status "${unknown}".`, {
        exitCode: ExitCode.usage,
        hint: `Choose from: ${provisionerJobStatuses.join(', ')}.`,
      });
    const client = await authedClient(command);
    const jobs = await client.provisioners.jobs(flags.org, {
      limit,
      status: flags.status as ProvisionerJobStatus[] | undefined,
    });
    output.print(command, jobs);
  });
}
