/**
 * What the agent runs for the template besides sessions (Coder's agent start-up and Close): on
 * the first manifest it reports `starting`, runs the start scripts, reports `ready`,
 * `start_timeout` or `start_error` from their outcome and schedules the cron scripts; metadata is
 * collected all along. On shutdown it reports `shutting_down`, ends start and cron runs, runs the
 * stop scripts and reports `off`, `shutdown_timeout` or `shutdown_error`, then flushes logs and
 * lifecycle to coderd. The agent owns one and calls `onManifest` and `shutdown`.
 */
import path from 'node:path';
import type { AgentClient } from '../../sdk/agent-client.js';
import type { AgentManifest } from '../../sdk/agent-api.js';
import type { Logger } from '../../sdk/logger.js';
import type { WorkspaceAgentLifecycle } from '../../sdk/workspaces.js';
import { commandEnv, workingDirectory, type UserInfo } from '../command-env.js';
import { LifecycleReporter } from '../lifecycle.js';
import { AgentLogSender } from '../log-sender.js';
import { MetadataReporter, type MetadataReporterOptions } from '../metadata-reporter.js';
import { ScriptRunner, type ScriptsOutcome } from './script-runner.js';

export interface ScriptServicesOptions {
  client: AgentClient;
  token: string;
  logger: Logger;
  user: UserInfo;
  /** Script log files (Coder's --log-dir). */
  logDir: string;
  /** Holds `coder-script-data` (Coder's --script-data-dir). */
  scriptDataDir: string;
  /** Test knobs: Coder waits 10 s before KILL and for open pipes, and reports metadata each second. */
  killGraceMs?: number;
  pipeWaitMs?: number;
  metadataReportIntervalMs?: number;
  /** Replaces running metadata scripts (simulated agents in scale tests). */
  collectMetadata?: MetadataReporterOptions['collect'];
}

const afterStart: Record<ScriptsOutcome, WorkspaceAgentLifecycle> = {
  ok: 'ready',
  timeout: 'start_timeout',
  error: 'start_error',
};
const afterStop: Record<ScriptsOutcome, WorkspaceAgentLifecycle> = {
  ok: 'off',
  timeout: 'shutdown_timeout',
  error: 'shutdown_error',
};

export class ScriptServices {
  readonly lifecycle: LifecycleReporter;
  private readonly logs: AgentLogSender;
  private manifest: AgentManifest | undefined;
  private runner: ScriptRunner | undefined;
  private metadata: MetadataReporter | undefined;
  private started: Promise<void> | undefined;

  constructor(private readonly opts: ScriptServicesOptions) {
    this.lifecycle = new LifecycleReporter(opts.client, opts.logger.child({ component: 'lifecycle' }));
    this.logs = new AgentLogSender(opts.client, opts.logger.child({ component: 'logs' }));
  }

  /** Each manifest fetched (every reconnect); scripts start with the first one only, as in Coder. */
  onManifest(manifest: AgentManifest): void {
    this.manifest = manifest;
    this.lifecycle.setAgent(manifest.agent_id);
    if (this.runner) {
      this.metadata?.update(manifest.metadata);
      return;
    }
    const { opts } = this;
    const env = () => commandEnv(this.manifest ?? manifest, opts.token, opts.user);
    const workingDir = () => workingDirectory((this.manifest ?? manifest).directory);
    this.runner = new ScriptRunner({
      scripts: manifest.scripts,
      shell: opts.user.shell,
      env,
      workingDir,
      logDir: opts.logDir,
      dataDir: path.join(opts.scriptDataDir, 'coder-script-data'),
      onLine: (source, level, line) => this.logs.enqueue(source, level, line),
      logger: opts.logger.child({ component: 'scripts' }),
      killGraceMs: opts.killGraceMs,
      pipeWaitMs: opts.pipeWaitMs,
    });
    this.metadata = new MetadataReporter({
      client: opts.client,
      logger: opts.logger.child({ component: 'metadata' }),
      shell: opts.user.shell,
      env,
      workingDir,
      reportIntervalMs: opts.metadataReportIntervalMs,
      collect: opts.collectMetadata,
    });
    this.metadata.update(manifest.metadata);
    this.metadata.start();
    this.lifecycle.set('starting');
    const runner = this.runner;
    this.started = runner.runStart().then(async (outcome) => {
      // Lines reach coderd before the state that ends them, so a waiting `ssh` shows them all.
      await this.logs.flush();
      this.lifecycle.set(afterStart[outcome]);
      runner.startCron();
    });
  }

  async shutdown(): Promise<void> {
    const runner = this.runner;
    if (!runner) return;
    this.lifecycle.set('shutting_down');
    this.metadata?.close();
    await runner.close();
    await this.started;
    const outcome = await runner.runStop();
    await this.logs.close();
    this.lifecycle.set(afterStop[outcome]);
    await this.lifecycle.close();
  }
}
