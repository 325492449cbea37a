/**
 * `hangar scaletest cleanup` (Coder's `exp scaletest cleanup`): deletes every `scaletest-*`
 * workspace (a delete build each, waited for), then the `scaletest-*` users, then the
 * `scaletest-echo` template once nothing uses it.
 */
import { Command } from 'commander';
import type { HangarClient } from '../../sdk/hangar-client.js';
import { CliError } from '../errors.js';
import { authedClient } from '../session.js';
import { Metric, metricsOutput, type MetricSummary } from './metrics.js';
import { concurrencyOption, runPool } from './pool.js';
import { listScaletestWorkspaces, scaletestPrefix, scaletestTemplateName } from './scaletest-template.js';
import { waitForBuild } from './wait-for-build.js';

export interface CleanupOptions {
  concurrency: number;
  /** Only names starting with this (a run's `scaletest-<run>-`); default every scale-test name. */
  prefix?: string;
  /** Also delete the scale-test template of this organization (after its workspaces). */
  templateOrg?: string;
}

const jobTimeoutMs = 5 * 60_000;

export async function cleanupScaletest(client: HangarClient, opts: CleanupOptions): Promise<MetricSummary[]> {
  const prefix = opts.prefix ?? scaletestPrefix;
  const workspaces = new Metric('delete workspace');
  const users = new Metric('delete user');
  const doomed = (await listScaletestWorkspaces(client)).filter((w) => w.name.startsWith(prefix));
  await runPool(doomed, opts.concurrency, async (w) => {
    await workspaces
      .time(async () => {
        const build = await client.workspaces.createBuild(w.id, { transition: 'delete' });
        const done = await waitForBuild(client, build, jobTimeoutMs);
        if (done.job.status !== 'succeeded')
          throw new Error(`delete of ${w.name} ${done.job.status}: ${done.job.error ?? ''}`);
      })
      .catch(() => {});
  });
  const people = [];
  for (let offset = 0; ;) {
    const page = await client.users.list({ q: prefix, limit: 1000, offset });
    people.push(...page.users.filter((u) => u.username.startsWith(prefix)));
    offset += page.users.length;
    if (page.users.length < 1000) break;
  }
  await runPool(people, opts.concurrency, async (u) => {
    await users.time(() => client.users.delete(u.id)).catch(() => {});
  });
  const rows = [workspaces.summary(), users.summary()];
  if (opts.templateOrg) {
    // The template goes last: the server refuses while workspaces still use it.
    const template = new Metric('delete template');
    const found = await client.templates
      .getByName(opts.templateOrg, scaletestTemplateName)
      .catch(() => undefined);
    if (found) await template.time(() => client.templates.delete(found.id)).catch(() => {});
    rows.push(template.summary());
  }
  return rows;
}

export function cleanupCommand(): Command {
  const cmd = new Command('cleanup')
    .description('Delete the workspaces, users and template the scale tests created.')
    .addOption(concurrencyOption('to delete', 200, 10))
    .option('-O, --org <organization>', 'Organization of the scale-test template.', 'default');
  return metricsOutput
    .attach(cmd)
    .action(async (flags: { concurrency: number; org: string }, command: Command) => {
      const client = await authedClient(command);
      const rows = await cleanupScaletest(client, { concurrency: flags.concurrency, templateOrg: flags.org });
      metricsOutput.print(command, rows);
      if (rows.some((r) => r.errors > 0))
        throw new CliError('Some scale-test resources could not be deleted; see "first error" above.');
    });
}
