/**
 * The template's scripts (Coder's agentscripts.Runner): `run_on_start` scripts all at once when
 * the agent starts, `run_on_stop` ones all at once when it stops, `cron` ones on their schedule
 * after the start scripts. Each run's output goes to the script's log source and log file; the
 * outcome of a set of runs is what the lifecycle reports (`start_timeout` if any timed out,
 * `start_error` if any failed, else `ready`; likewise for shutdown).
 */
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseCron, type CronSchedule } from '../../sdk/cron.js';
import type { Logger } from '../../sdk/logger.js';
import type { WorkspaceAgentScript } from '../../sdk/workspaces.js';
import { expandVars } from '../command-env.js';
import { runScript, type ScriptResult } from './run-script.js';

export type ScriptsOutcome = 'ok' | 'timeout' | 'error';

export interface ScriptRunnerOptions {
  scripts: WorkspaceAgentScript[];
  shell: string;
  /** The workspace environment and directory, read at each run (a new build may change them). */
  env: () => Record<string, string>;
  workingDir: () => Promise<string>;
  /** Where relative `log_path`s and the default log files go. */
  logDir: string;
  /** Per-script data (`CODER_SCRIPT_DATA_DIR`) and the shared `CODER_SCRIPT_BIN_DIR`. */
  dataDir: string;
  onLine: (logSourceId: string, level: 'info' | 'error', line: string) => void;
  logger: Logger;
  killGraceMs?: number;
  pipeWaitMs?: number;
}

/** Coder's log file rule: default name per source, `~` is home, `$VARS` expand, relative is under the log dir. */
export function scriptLogPath(
  script: WorkspaceAgentScript,
  logDir: string,
  env: Record<string, string>,
): string {
  let p = script.log_path || `coder-script-${script.log_source_id}.log`;
  if (p.startsWith('~')) p = path.join(env.HOME ?? os.homedir(), p.slice(1));
  p = expandVars(p, env);
  return path.isAbsolute(p) ? p : path.join(logDir, p);
}

export function outcomeOf(results: ScriptResult[]): ScriptsOutcome {
  if (results.some((r) => r.status === 'timed_out')) return 'timeout';
  return results.every((r) => r.status === 'ok') ? 'ok' : 'error';
}

export class ScriptRunner {
  /** Ends start and cron runs when the agent stops. */
  private readonly stopping = new AbortController();
  private readonly running = new Set<Promise<ScriptResult>>();
  private readonly cronTimers = new Map<string, NodeJS.Timeout>();
  private readonly cronBusy = new Set<string>();

  constructor(private readonly opts: ScriptRunnerOptions) {}

  get binDir(): string {
    return path.join(this.opts.dataDir, 'bin');
  }

  runStart(): Promise<ScriptsOutcome> {
    return this.runAll((s) => s.run_on_start, this.stopping.signal);
  }

  /** Stop scripts run to completion (or their timeout) even though the agent is stopping. */
  runStop(): Promise<ScriptsOutcome> {
    return this.runAll((s) => s.run_on_stop);
  }

  /** Schedules the cron scripts; a run still going when the next is due is not doubled. */
  startCron(now = () => new Date()): void {
    for (const script of this.opts.scripts) {
      if (!script.cron || this.stopping.signal.aborted) continue;
      let schedule: CronSchedule;
      try {
        schedule = parseCron(script.cron);
      } catch (err) {
        this.opts.onLine(
          script.log_source_id,
          'error',
          `hangar: invalid cron "${script.cron}": ${(err as Error).message}`,
        );
        continue;
      }
      const arm = () => {
        const next = schedule.next(now());
        if (!next || this.stopping.signal.aborted) return;
        // Timers cannot wait longer than ~24 days; a far time is re-armed on the way.
        const delay = Math.min(next.getTime() - Date.now(), 86_400_000);
        this.cronTimers.set(
          script.id,
          setTimeout(() => {
            if (next.getTime() > Date.now() + 1000) return arm();
            if (!this.cronBusy.has(script.id)) {
              this.cronBusy.add(script.id);
              void this.track(script, this.stopping.signal).finally(() => this.cronBusy.delete(script.id));
            }
            arm();
          }, delay),
        );
      };
      arm();
    }
  }

  /** Stops scheduling, ends start and cron runs (their process groups), and waits for them. */
  async close(): Promise<void> {
    this.stopping.abort();
    for (const t of this.cronTimers.values()) clearTimeout(t);
    this.cronTimers.clear();
    await Promise.allSettled([...this.running]);
  }

  private async runAll(
    filter: (s: WorkspaceAgentScript) => boolean,
    signal?: AbortSignal,
  ): Promise<ScriptsOutcome> {
    const results = await Promise.all(this.opts.scripts.filter(filter).map((s) => this.track(s, signal)));
    return outcomeOf(results);
  }

  private track(script: WorkspaceAgentScript, signal?: AbortSignal): Promise<ScriptResult> {
    const run = this.run(script, signal);
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return run;
  }

  private async run(script: WorkspaceAgentScript, signal?: AbortSignal): Promise<ScriptResult> {
    const { opts } = this;
    const dataDir = path.join(opts.dataDir, script.log_source_id);
    const base = opts.env();
    const env = {
      ...base,
      CODER_SCRIPT_DATA_DIR: dataDir,
      CODER_SCRIPT_BIN_DIR: this.binDir,
      // Tools a script installs into the bin dir are on the PATH of the scripts after it.
      PATH: `${this.binDir}:${base.PATH ?? ''}`,
    };
    const logPath = scriptLogPath(script, opts.logDir, env);
    const log = opts.logger.child({ script: script.display_name || script.id, log_path: logPath });
    try {
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      await mkdir(this.binDir, { recursive: true, mode: 0o700 });
      await mkdir(path.dirname(logPath), { recursive: true });
    } catch (err) {
      opts.onLine(
        script.log_source_id,
        'error',
        `hangar: cannot prepare the script: ${(err as Error).message}`,
      );
      const at = new Date();
      return { status: 'exit_failure', exitCode: 255, startedAt: at, endedAt: at };
    }
    log.info('running agent script');
    const result = await runScript({
      shell: opts.shell,
      script: script.script,
      env,
      cwd: await opts.workingDir(),
      timeoutMs: script.timeout / 1e6,
      logPath,
      signal,
      killGraceMs: opts.killGraceMs,
      pipeWaitMs: opts.pipeWaitMs,
      onLine: (level, line) => opts.onLine(script.log_source_id, level, line),
    });
    log.info(
      {
        status: result.status,
        exit_code: result.exitCode,
        ms: result.endedAt.getTime() - result.startedAt.getTime(),
      },
      'agent script finished',
    );
    return result;
  }
}
