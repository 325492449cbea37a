/**
 * `hangar scaletest simulate-agents`: runs the real workspace agent (src/agent) in this process
 * once per running `scaletest-echo` workspace, up to `--count`, so a deployment can be loaded with
 * many agents without a machine per workspace. Each one fetches its manifest, reports its start-up
 * and lifecycle, holds its control connection (coderd's heartbeats included) and serves tunnel
 * streams (SSH, TCP) as a real one does, for `--duration`; then all shut down as agents do.
 * Each reports the template's two metadata items every 10 s (values made up instead of running
 * their scripts, so the load generator spends no process per item) and `--log-lines` log lines
 * every 10 s. Prints how long agents took to be ready and connected, every unplanned disconnect,
 * and the latency of every agent API call, start-up and steady phase apart.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import { Agent } from '../../agent/agent.js';
import type { Logger } from '../../sdk/logger.js';
import { CliError } from '../errors.js';
import { intFlag } from '../flag-parsers.js';
import { authedClient } from '../session.js';
import { durationOption } from './duration-option.js';
import { Metric, metricsOutput } from './metrics.js';
import { concurrencyOption, runPool } from './pool.js';
import { AgentApiLatency, TimedAgentClient } from './timed-agent-client.js';
import { listScaletestWorkspaces, scaletestAgentToken, scaletestTemplateName } from './scaletest-template.js';

interface Flags {
  count: number;
  concurrency: number;
  duration: number;
  logLines: number;
}

/** How often each simulated agent sends its log lines (its metadata interval is the template's). */
const logIntervalMs = 10_000;

/** Made-up metadata values: what a `top`-like script might print, different on every report. */
const fakeMetadata = async (item: { key: string }) => ({
  value: `${item.key} ${(Math.random() * 100).toFixed(1)}`,
  error: '',
});

/**
 * Sees an agent's connection events through its log lines (the agent reports nothing else to its
 * host process): "connected to coderd" and "control connection closed".
 */
function eventLogger(on: (event: 'connected' | 'closed') => void): Logger {
  const log = (a: unknown, b?: unknown) => {
    const msg = typeof a === 'string' ? a : b;
    if (msg === 'connected to coderd') on('connected');
    else if (msg === 'control connection closed') on('closed');
  };
  const quiet = () => {};
  const logger: Logger = { debug: quiet, info: log, warn: quiet, error: quiet, child: () => logger };
  return logger;
}

export function simulateAgentsCommand(): Command {
  const cmd = new Command('simulate-agents')
    .description(`Run the agents of the ${scaletestTemplateName} workspaces in this process for a while.`)
    .option(
      '--count <n>',
      'Most agents to run (1 to 10000; default: every workspace).',
      intFlag('--count', 1, 10_000),
      10_000,
    )
    .addOption(concurrencyOption('agents to start', 500, 50))
    .addOption(durationOption('How long the agents stay connected', '24h', '1m'))
    .option(
      '--log-lines <n>',
      `Log lines each agent sends every ${logIntervalMs / 1000} s (0 to 100).`,
      intFlag('--log-lines', 0, 100),
      1,
    );
  return metricsOutput.attach(cmd).action(async (flags: Flags, command: Command) => {
    const client = await authedClient(command);
    const workspaces = (await listScaletestWorkspaces(client))
      .filter((w) => w.template_name === scaletestTemplateName && w.latest_build.status === 'running')
      .slice(0, flags.count);
    if (workspaces.length === 0)
      throw new CliError(`No running ${scaletestTemplateName} workspaces to simulate agents for.`, {
        hint: 'Create some with `hangar scaletest create-workspaces --count N --no-cleanup`.',
      });
    const ready = new Metric('agent ready (manifest, start-up, lifecycle)');
    const connected = new Metric('agent connected');
    const dropped = new Metric('unplanned disconnects');
    const stopped = new Metric('agent shutdown');
    const latency = new AgentApiLatency();
    const url = new URL(client.url);
    const clients: TimedAgentClient[] = [];
    const stateRoot = await mkdtemp(path.join(tmpdir(), 'hangar-scaletest-agents-'));
    const agents: Agent[] = [];
    let stopping = false;
    process.stderr.write(`Starting ${workspaces.length} agents, ${flags.concurrency} at a time…\n`);
    try {
      await runPool(workspaces, flags.concurrency, async (w, i) => {
        const started = performance.now();
        let seenConnect = false;
        const logger = eventLogger((event) => {
          if (event === 'connected' && !seenConnect) {
            seenConnect = true;
            connected.add(performance.now() - started);
          } else if (event === 'closed' && !stopping)
            dropped.fail(new Error(`agent of ${w.name} lost its connection`));
        });
        const agentClient = new TimedAgentClient(url, scaletestAgentToken(w), latency);
        clients.push(agentClient);
        const agent = new Agent({
          url,
          token: scaletestAgentToken(w),
          client: agentClient,
          collectMetadata: fakeMetadata,
          logger,
          stateDir: path.join(stateRoot, String(i)),
        });
        agents.push(agent);
        agent.start();
        await ready.time(() => agent.ready()).catch(() => {});
      });
      process.stderr.write(`Agents running for ${Math.round(flags.duration / 1000)} s…\n`);
      latency.startSteadyPhase();
      const logs = flags.logLines > 0 ? sendLogs(clients, flags.logLines) : undefined;
      await sleep(flags.duration);
      logs?.stop();
    } finally {
      stopping = true;
      latency.startShutdownPhase();
      await runPool(agents, flags.concurrency, (a) => stopped.time(() => a.close()).catch(() => {}));
      await rm(stateRoot, { recursive: true, force: true });
    }
    const missing = workspaces.length - connected.summary().count;
    for (let i = 0; i < missing; i++) connected.fail(new Error('never connected'));
    const rows = [ready, connected, dropped, stopped, ...latency.rows()].map((m) => m.summary());
    metricsOutput.print(command, rows);
    if (rows.some((r) => r.errors > 0)) throw new CliError('Some agents failed; see "first error" above.');
  });
}

/**
 * Every agent sends `lines` log lines every 10 s (as "External" lines, the source of lines from
 * outside the agent's scripts), spread over the interval so they do not all arrive at once.
 */
function sendLogs(clients: TimedAgentClient[], lines: number): { stop: () => void } {
  const timers = clients.map((c, i) => {
    const send = () => {
      const created_at = new Date().toISOString();
      const logs = Array.from({ length: lines }, (_, n) => ({ created_at, output: `scale-test line ${n}` }));
      c.patchLogs({ logs }).catch(() => {});
    };
    let every: NodeJS.Timeout | undefined;
    const first = setTimeout(
      () => {
        send();
        every = setInterval(send, logIntervalMs);
      },
      (i / clients.length) * logIntervalMs,
    );
    return () => {
      clearTimeout(first);
      clearInterval(every);
    };
  });
  return { stop: () => timers.forEach((t) => t()) };
}
