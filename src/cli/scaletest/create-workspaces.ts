/**
 * `hangar scaletest create-workspaces` (Coder's `exp scaletest create-workspaces`): creates
 * `--count` users, each with one workspace, `--concurrency` at a time, waits for every build, and
 * prints latency percentiles per step. Without `--template` the workspaces use the echo
 * `scaletest-echo` template; with one they use that template's defaults. Everything created is
 * removed at the end unless `--no-cleanup` (then `simulate-agents` can connect their agents, and
 * `cleanup` removes them later).
 */
import { randomBytes } from 'node:crypto';
import { Command, Option } from 'commander';
import { CliError } from '../errors.js';
import { durationFlag, intFlag } from '../flag-parsers.js';
import { authedClient } from '../session.js';
import { cleanupScaletest } from './cleanup.js';
import { Metric, metricsOutput } from './metrics.js';
import { concurrencyOption, runPool } from './pool.js';
import { ensureScaletestTemplate, scaletestPrefix } from './scaletest-template.js';
import { waitForBuild } from './wait-for-build.js';

interface Flags {
  count: number;
  concurrency: number;
  template?: string;
  org: string;
  jobTimeout: number;
  timeout: number;
  cleanup: boolean;
}

export function createWorkspacesCommand(): Command {
  const cmd = new Command('create-workspaces')
    .description('Create users with one workspace each and measure how long it takes.')
    .requiredOption(
      '--count <n>',
      'How many users and workspaces (1 to 10000).',
      intFlag('--count', 1, 10_000),
    )
    .addOption(concurrencyOption('to create', 200, 10))
    .option(
      '--template <name>',
      'Template to use (default: the echo template scaletest-echo, created if missing).',
    )
    .option('-O, --org <organization>', 'Organization name or id.', 'default')
    .addOption(
      new Option('--job-timeout <duration>', 'Longest wait for one build.')
        .argParser(durationFlag('--job-timeout'))
        .default(5 * 60_000, '5m'),
    )
    .addOption(
      new Option('--timeout <duration>', 'Longest the whole run may take; nothing new starts after it.')
        .argParser(durationFlag('--timeout'))
        .default(30 * 60_000, '30m'),
    )
    .option('--no-cleanup', 'Keep the users and workspaces (for simulate-agents; remove them with cleanup).');
  return metricsOutput.attach(cmd).action(async (flags: Flags, command: Command) => {
    const client = await authedClient(command);
    const template = flags.template
      ? await client.templates.getByName(flags.org, flags.template)
      : await ensureScaletestTemplate(client, flags.org);
    const run = randomBytes(3).toString('hex');
    const metrics = {
      user: new Metric('create user'),
      workspace: new Metric('create workspace'),
      build: new Metric('build'),
      total: new Metric('user to running workspace'),
    };
    const stop = AbortSignal.timeout(flags.timeout);
    const indexes = Array.from({ length: flags.count }, (_, i) => i);
    process.stderr.write(
      `Creating ${flags.count} users and workspaces from "${template.name}", ${flags.concurrency} at a time (run ${run})…\n`,
    );
    await runPool(
      indexes,
      flags.concurrency,
      async (i) => {
        const name = `${scaletestPrefix}${run}-${i}`;
        const started = performance.now();
        try {
          await metrics.user.time(() =>
            client.users.create({ username: name, email: `${name}@scaletest.invalid`, login_type: 'none' }),
          );
          const workspace = await metrics.workspace.time(() =>
            client.workspaces.create(name, { template_id: template.id, name }),
          );
          await metrics.build.time(async () => {
            const b = await waitForBuild(client, workspace.latest_build, flags.jobTimeout);
            if (b.job.status !== 'succeeded') throw new Error(`build ${b.job.status}: ${b.job.error ?? ''}`);
          });
          metrics.total.add(performance.now() - started);
        } catch (err) {
          metrics.total.fail(err);
        }
      },
      stop,
    );
    const rows = Object.values(metrics).map((m) => m.summary());
    if (flags.cleanup) {
      process.stderr.write('Cleaning up…\n');
      rows.push(
        ...(await cleanupScaletest(client, {
          concurrency: flags.concurrency,
          prefix: `${scaletestPrefix}${run}-`,
        })),
      );
    }
    metricsOutput.print(command, rows);
    if (stop.aborted)
      throw new CliError(`The run hit --timeout before all ${flags.count} workspaces were created.`);
    if (metrics.total.failed)
      throw new CliError('Some workspaces could not be created; see "first error" above.');
  });
}
