/**
 * One job's Terraform working directory and the commands run in it (coder-behaviour.md §4.3), each
 * with its output turned into job logs, its failure into a ProvisionFailure naming Terraform's
 * diagnostic, and the job's cancellation wired to SIGINT/SIGKILL.
 */
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProvisionFailure, type ProvisionContext } from '../../sdk/provisioner.js';
import type { LogLevel } from '../../sdk/provisioner-jobs.js';
import type { VariableValue } from '../../sdk/templates.js';
import { parseDot, type DependencyGraph } from './dependency-graph.js';
import { ConfigCache } from './config-cache.js';
import { runTerraform, type CommandResult } from './terraform-command.js';
import { convertLogLine } from './terraform-logs.js';
import { flattenModule, stateFileResources, type ShownPlan, type TfResource } from './terraform-state.js';

export interface SessionOptions {
  binary: string;
  /** The extracted template: Terraform's working directory. */
  dir: string;
  ctx: ProvisionContext;
  /** TF_LOG=JSON and Terraform's debug lines in the job log. */
  debug: boolean;
  configCache?: { cache: ConfigCache; archive: string; terraformVersion: string };
  /** Milliseconds per command, for the benchmark. */
  onTiming?: (command: string, ms: number) => void;
}

export interface RunOptions {
  stage: string;
  env: Record<string, string>;
  /** Init's chatter goes to debug. */
  infoAsDebug?: boolean;
  capture?: boolean;
}

export class TerraformSession {
  readonly stateFile: string;

  constructor(private readonly opts: SessionOptions) {
    this.stateFile = join(opts.dir, 'terraform.tfstate');
  }

  private log(level: LogLevel, stage: string, output: string) {
    if (level === 'trace' || (level === 'debug' && !this.opts.debug)) return;
    this.opts.ctx.log(level, stage, output);
  }

  /** Runs a command; rejects with a ProvisionFailure carrying the first error diagnostic. */
  async run(args: string[], o: RunOptions): Promise<CommandResult> {
    const { ctx } = this.opts;
    if (ctx.canceled.aborted)
      throw new ProvisionFailure('The job was canceled before terraform ' + args[0] + '.');
    const errors: string[] = [];
    const onLine = (line: string, fallback: LogLevel) => {
      for (const l of convertLogLine(line, { infoAsDebug: o.infoAsDebug })) {
        const level = l.level === 'info' && !line.startsWith('{') ? fallback : l.level;
        if (level === 'error' && errors.length < 3 && !l.output.startsWith(' ') && l.output !== '')
          errors.push(l.output);
        this.log(level, o.stage, l.output);
      }
    };
    const env = this.opts.debug ? { ...o.env, TF_LOG: 'JSON' } : o.env;
    const started = performance.now();
    const res = await runTerraform({
      binary: this.opts.binary,
      args,
      cwd: this.opts.dir,
      env,
      canceled: ctx.canceled,
      killed: ctx.killed,
      captureStdout: o.capture,
      onStdout: (line) => onLine(line, 'info'),
      onStderr: (line) => onLine(line, this.opts.debug ? 'debug' : 'error'),
    });
    this.opts.onTiming?.(args[0]!, performance.now() - started);
    if (res.code !== 0) {
      const what = `terraform ${args[0]}`;
      if (res.interrupted) throw new ProvisionFailure(`${what} was canceled.`);
      const why =
        errors.find((e) => e.startsWith('Error: ')) ?? errors[0] ?? res.stderr.trim().split('\n')[0];
      throw new ProvisionFailure(
        `${what} failed${why ? `: ${why}` : ` (exit code ${res.code ?? res.signal})`}`,
      );
    }
    return res;
  }

  async plan(
    planFile: string,
    opts: {
      env: Record<string, string>;
      stage: string;
      destroy: boolean;
      variables: readonly VariableValue[];
    },
  ): Promise<void> {
    const args = ['plan', '-json', '-no-color', '-input=false', '-refresh=true', `-out=${planFile}`];
    if (opts.destroy) args.push('-destroy');
    for (const v of opts.variables) args.push('-var', `${v.name}=${v.value}`);
    await this.run(args, { stage: opts.stage, env: opts.env });
  }

  async showPlan(planFile: string, env: Record<string, string>, stage: string): Promise<ShownPlan> {
    const res = await this.run(['show', '-json', '-no-color', planFile], { stage, env, capture: true });
    return JSON.parse(res.stdout) as ShownPlan;
  }

  private async cacheKey(): Promise<string | undefined> {
    const c = this.opts.configCache;
    return c && ConfigCache.key(c.archive, this.opts.dir, c.terraformVersion);
  }

  /** `terraform init`, unless an earlier job saw that this configuration needs none. */
  async init(env: Record<string, string>): Promise<void> {
    const cache = this.opts.configCache?.cache;
    const key = await this.cacheKey();
    if (cache && key && (await cache.initIsNoop(key))) {
      this.log(
        'debug',
        'Initializing',
        'Skipping terraform init: this configuration has nothing to install.',
      );
      return;
    }
    const lockFile = join(this.opts.dir, '.terraform.lock.hcl');
    const lockBefore = await readFile(lockFile, 'utf8').catch(() => undefined);
    await this.run(['init', '-json', '-no-color', '-input=false'], {
      stage: 'Initializing',
      env,
      infoAsDebug: true,
    });
    const created = await stat(join(this.opts.dir, '.terraform')).then(
      () => true,
      () => false,
    );
    const lockAfter = await readFile(lockFile, 'utf8').catch(() => undefined);
    if (cache && key && !created && lockAfter === lockBefore) await cache.markInitNoop(key);
  }

  /** The dependency graph, from the cache when this configuration's graph was read before. */
  async graph(env: Record<string, string>, stage: string): Promise<DependencyGraph> {
    const cache = this.opts.configCache?.cache;
    const key = await this.cacheKey();
    const cached = cache && key && (await cache.graph(key));
    if (cached) return parseDot(cached);
    const res = await this.run(['graph', '-type=plan'], { stage, env, capture: true, infoAsDebug: true });
    if (cache && key) await cache.putGraph(key, res.stdout);
    return parseDot(res.stdout);
  }

  apply(planFile: string, env: Record<string, string>): Promise<CommandResult> {
    return this.run(['apply', '-json', '-no-color', '-auto-approve', '-input=false', planFile], {
      stage: 'Applying',
      env,
    });
  }

  async writeState(base64: string | undefined): Promise<void> {
    await rm(join(this.opts.dir, 'terraform.tfstate.backup'), { force: true });
    if (base64) await writeFile(this.stateFile, Buffer.from(base64, 'base64'), { mode: 0o600 });
    else await rm(this.stateFile, { force: true });
  }

  /** The state file's bytes (base64) and resources; the file is read directly when it is v4. */
  async readState(env: Record<string, string>): Promise<{ state: string; resources: TfResource[] }> {
    const bytes = await readFile(this.stateFile).catch(() => Buffer.alloc(0));
    const direct = stateFileResources(bytes.toString('utf8'));
    if (direct) return { state: bytes.toString('base64'), resources: direct };
    const res = await this.run(['show', '-json', '-no-color'], {
      stage: 'Reading state',
      env,
      capture: true,
    });
    const shown = JSON.parse(res.stdout) as {
      values?: { root_module?: Parameters<typeof flattenModule>[0] };
    };
    return { state: bytes.toString('base64'), resources: flattenModule(shown.values?.root_module) };
  }

  /** Base64 of whatever state is on disk (after a failed apply: the partial state). */
  async partialState(): Promise<string | undefined> {
    const bytes = await readFile(this.stateFile).catch(() => undefined);
    return bytes && bytes.length > 0 ? bytes.toString('base64') : undefined;
  }
}
