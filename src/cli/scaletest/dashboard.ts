/**
 * `hangar scaletest dashboard` (Coder's `exp scaletest dashboard`, without the headless browser):
 * loads the API calls the dashboard's pages make, as the signed-in user, at `--rate` page views
 * a second for `--duration`, at most `--concurrency` in flight; a page view is the calls of one
 * page (picked in turn), measured one row per page. A view that would exceed `--concurrency` is
 * counted as an error ("too slow for the rate"), not queued, so the rate stays the one asked for.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import type { HangarClient } from '../../sdk/hangar-client.js';
import { CliError } from '../errors.js';
import { intFlag } from '../flag-parsers.js';
import { authedClient } from '../session.js';
import { durationOption } from './duration-option.js';
import { Metric, metricsOutput } from './metrics.js';
import { concurrencyOption } from './pool.js';
import { listScaletestWorkspaces } from './scaletest-template.js';

interface Flags {
  rate: number;
  duration: number;
  concurrency: number;
}

type Page = [name: string, load: () => Promise<unknown>];

/** The calls each dashboard page makes when it opens (site/src/pages). */
function dashboardPages(client: HangarClient, workspace?: { owner: string; name: string }): Page[] {
  const pages: Page[] = [
    [
      'workspaces page',
      () => Promise.all([client.users.get('me'), client.workspaces.list({ q: 'owner:me', limit: 100 })]),
    ],
    ['all workspaces (limit 25)', () => client.workspaces.list({ limit: 25 })],
    ['templates page', () => client.templates.list()],
    ['users page', () => client.users.list({ limit: 200 })],
    ['deployment page', () => client.buildInfo()],
  ];
  if (workspace)
    pages.push([
      'workspace page',
      () => client.workspaces.getByOwnerAndName(workspace.owner, workspace.name),
    ]);
  return pages;
}

export function dashboardCommand(): Command {
  const cmd = new Command('dashboard')
    .description("Load the dashboard's API calls as the signed-in user at a set rate.")
    .option('--rate <n>', 'Page views per second (1 to 1000).', intFlag('--rate', 1, 1000), 10)
    .addOption(durationOption('How long to load', '1h', '30s'))
    .addOption(concurrencyOption('page views in flight', 500, 50));
  return metricsOutput.attach(cmd).action(async (flags: Flags, command: Command) => {
    const client = await authedClient(command);
    const [w] = await listScaletestWorkspaces(client);
    const pages = dashboardPages(client, w && { owner: w.owner_name, name: w.name });
    const metrics = pages.map(([name]) => new Metric(name));
    const inFlight = new Set<Promise<void>>();
    const interval = 1000 / flags.rate;
    const until = performance.now() + flags.duration;
    process.stderr.write(`${flags.rate} page views/s for ${Math.round(flags.duration / 1000)} s…\n`);
    let i = 0;
    for (let next = performance.now(); next < until; next += interval, i++) {
      await sleep(Math.max(0, next - performance.now()));
      const page = i % pages.length;
      if (inFlight.size >= flags.concurrency) {
        metrics[page]!.fail(new Error(`more than ${flags.concurrency} page views in flight`));
        continue;
      }
      const view: Promise<void> = metrics[page]!.time(pages[page]![1])
        .then(
          () => {},
          () => {},
        )
        .finally(() => inFlight.delete(view));
      inFlight.add(view);
    }
    await Promise.all(inFlight);
    const rows = metrics.map((m) => m.summary());
    metricsOutput.print(command, rows);
    if (rows.some((r) => r.errors > 0))
      throw new CliError('Some page views failed; see "first error" above.');
  });
}
