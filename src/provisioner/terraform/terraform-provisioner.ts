/**
 * The Terraform provisioner (Coder's provisioner/terraform): runs a template's Terraform for
 * template imports, dry runs and workspace builds, with the coder provider served in-process
 * (TF_REATTACH_PROVIDERS, docs/adr/0012) and the build's facts in the environment. Per job:
 * a clean working directory (removed afterwards), `init`, then the steps of coder-behaviour.md
 * §4.3 with the graph read concurrently with the plan (docs/adr/0030).
 */
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../sdk/logger.js';
import { nopLogger } from '../../sdk/logger.js';
import {
  ProvisionFailure,
  type JobPayload,
  type ProvisionContext,
  type Provisioner,
  type ProvisionMetadata,
  type ProvisionResult,
} from '../../sdk/provisioner.js';
import type { AcquiredJob } from '../../sdk/provisionerd-protocol.js';
import { extractTemplateArchive } from '../../sdk/template-archive.js';
import type { VariableValue } from '../../sdk/templates.js';
import type { WorkspaceBuildParameter } from '../../sdk/workspaces.js';
import { convertExternalAuth, convertParameters } from './convert-parameters.js';
import { convertResources } from './convert-resources.js';
import type { DependencyGraph } from './dependency-graph.js';
import { resolveTerraform, type TerraformBinary } from './terraform-binary.js';
import { buildEnv, safeDaemonEnv } from './terraform-env.js';
import { ConfigCache } from './config-cache.js';
import { TerraformSession, type SessionOptions } from './terraform-session.js';
import { planResources } from './terraform-state.js';
import { parameterBlockOrder, parseVariables, readReadme, readTerraformFiles } from './template-files.js';

/** The in-process coder provider, injected by the command that starts the daemon (ADR 0001). */
export interface CoderProviderHost {
  /** Starts a provider that reads `env`; its value goes into TF_REATTACH_PROVIDERS. */
  start(env: Record<string, string>): Promise<{ reattachProviders: string; close(): Promise<void> }>;
}

export interface TerraformProvisionerOptions {
  /** Holds `tf/` (an installed Terraform), `plugins/` (TF_PLUGIN_CACHE_DIR) and `work/` (jobs). */
  cacheDir: string;
  provider: CoderProviderHost;
  /** An explicit terraform binary; otherwise PATH, otherwise the pinned version is installed. */
  terraformPath?: string;
  releasesUrl?: string;
  /** The daemon's environment (default process.env); CODER_* and HANGAR_* never pass through. */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Per-command timings, for benchmarks. */
  onTiming?: (command: string, ms: number) => void;
}

type Transition = ProvisionMetadata['workspace_transition'];

/** Work directories a crashed daemon left behind are removed after a day, cache entries after 30. */
const staleWorkDirMs = 24 * 3600_000;
const staleCacheMs = 30 * 24 * 3600_000;

export class TerraformProvisioner implements Provisioner {
  readonly type = 'terraform' as const;
  private binary?: Promise<TerraformBinary>;
  private readonly logger: Logger;
  private readonly configCache: ConfigCache;

  constructor(private readonly options: TerraformProvisionerOptions) {
    this.logger = options.logger ?? nopLogger;
    this.configCache = new ConfigCache(join(options.cacheDir, 'configs'));
  }

  /** The binary, found (or installed) once per provisioner; a failure is retried by the next job. */
  terraform(): Promise<TerraformBinary> {
    this.binary ??= resolveTerraform({
      path: this.options.terraformPath,
      cacheDir: this.options.cacheDir,
      releasesUrl: this.options.releasesUrl,
      onInstall: (message) => this.logger.info({ component: 'terraform' }, message),
    }).catch((err: unknown) => {
      this.binary = undefined;
      throw new ProvisionFailure((err as Error).message);
    });
    return this.binary;
  }

  async provision(job: AcquiredJob, ctx: ProvisionContext): Promise<ProvisionResult> {
    const payload = job.payload;
    if (!payload) throw new ProvisionFailure('A terraform job needs a template or workspace payload.');
    if (!job.template_source_archive) throw new ProvisionFailure('The job has no template archive.');
    const workRoot = join(this.options.cacheDir, 'work');
    await mkdir(workRoot, { recursive: true });
    const jobDir = await mkdtemp(join(workRoot, `job-${job.job_id.slice(0, 8)}-`));
    try {
      const [binary] = await Promise.all([
        this.terraform(),
        this.prepare(job.template_source_archive, join(jobDir, 'template'), workRoot),
      ]);
      ctx.log('debug', 'Setting up', `Terraform ${binary.version} at ${binary.path}.`);
      const configCache = {
        cache: this.configCache,
        archive: job.template_source_archive,
        terraformVersion: binary.version,
      };
      const run = new JobRun(this.options, ctx, binary.path, jobDir, payload, configCache);
      switch (payload.type) {
        case 'template_version_import':
          return await run.importTemplate(payload.user_variable_values);
        case 'template_version_dry_run':
          return await run.dryRun(payload.rich_parameter_values, payload.variable_values);
        case 'workspace_build':
          return await run.build(payload);
      }
    } finally {
      await rm(jobDir, { recursive: true, force: true });
    }
  }

  private async prepare(archive: string, dir: string, workRoot: string): Promise<void> {
    void sweepStale(workRoot, staleWorkDirMs);
    void sweepStale(join(this.options.cacheDir, 'configs'), staleCacheMs);
    try {
      await extractTemplateArchive(Buffer.from(archive, 'base64'), dir);
    } catch (err) {
      throw new ProvisionFailure((err as Error).message, 'INVALID_INPUT');
    }
    // Local state shipped inside a template must not leak into a workspace: the build's comes from coderd.
    await rm(join(dir, 'terraform.tfstate'), { force: true });
    await rm(join(dir, 'terraform.tfstate.backup'), { force: true });
  }
}

/** Removes entries of `dir` older than `maxAgeMs` (work dirs of a crashed daemon, old cache entries). */
async function sweepStale(dir: string, maxAgeMs: number): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info && now - info.mtimeMs > maxAgeMs) await rm(path, { recursive: true, force: true });
  }
}

/** One job: its session, its provider servers and the environments they share. */
class JobRun {
  private readonly session: TerraformSession;
  private readonly templateDir: string;
  private readonly daemonEnv: Record<string, string>;

  constructor(
    private readonly options: TerraformProvisionerOptions,
    private readonly ctx: ProvisionContext,
    binary: string,
    private readonly jobDir: string,
    private readonly payload: JobPayload,
    configCache: SessionOptions['configCache'],
  ) {
    this.templateDir = join(jobDir, 'template');
    this.daemonEnv = safeDaemonEnv(options.env ?? process.env);
    this.session = new TerraformSession({
      binary,
      dir: this.templateDir,
      ctx,
      debug: payload.type === 'workspace_build' && payload.log_level === 'debug',
      onTiming: options.onTiming,
      configCache,
    });
  }

  /** The environment of one transition and a provider server reading it; `close` when done. */
  private async environment(transition: Transition, parameters: readonly WorkspaceBuildParameter[]) {
    const env: Record<string, string> = {
      ...this.daemonEnv,
      ...buildEnv(this.payload.metadata, transition, parameters),
      TF_PLUGIN_CACHE_DIR: join(this.options.cacheDir, 'plugins'),
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      // No upgrade checks against checkpoint-api.hashicorp.com on every command.
      CHECKPOINT_DISABLE: '1',
    };
    await mkdir(env.TF_PLUGIN_CACHE_DIR!, { recursive: true });
    const cliConfig = env.TF_CLI_CONFIG_FILE;
    if (cliConfig && !(await stat(cliConfig).catch(() => undefined))) {
      delete env.TF_CLI_CONFIG_FILE;
      this.ctx.log(
        'warn',
        'Setting up',
        `TF_CLI_CONFIG_FILE (${cliConfig}) does not exist; using Terraform's defaults.`,
      );
    }
    const server = await this.options.provider.start(env);
    env.TF_REATTACH_PROVIDERS = server.reattachProviders;
    return { env, close: () => server.close() };
  }

  private async checkTerraformFiles(): Promise<void> {
    const files = await readdir(this.templateDir).catch(() => [] as string[]);
    if (!files.some((f) => f.endsWith('.tf') || f.endsWith('.tf.json')))
      throw new ProvisionFailure(
        'The template has no Terraform files (*.tf) in its root directory.',
        'INVALID_INPUT',
      );
  }

  private async planAndConvert(
    transition: Transition,
    stage: string,
    parameters: readonly WorkspaceBuildParameter[],
    variables: readonly VariableValue[],
    graph: Promise<DependencyGraph> | undefined,
    init: boolean,
  ) {
    const { env, close } = await this.environment(transition, parameters);
    try {
      if (init) await this.session.init(env);
      const planFile = join(this.jobDir, `${transition}.tfplan`);
      // The graph comes from the configuration only, so it is read while the plan runs.
      const graphRun = graph ?? this.session.graph(env, stage);
      try {
        await this.session.plan(planFile, { env, stage, destroy: false, variables });
        const plan = await this.session.showPlan(planFile, env, stage);
        const resources = planResources(plan);
        return {
          resources,
          converted: convertResources({ resources, graph: await graphRun }),
          graph: graphRun,
        };
      } finally {
        // No graph process may outlive its provider server or the job directory.
        await graphRun.catch(() => {});
      }
    } finally {
      await close();
    }
  }

  async importTemplate(variables: readonly VariableValue[]): Promise<ProvisionResult> {
    await this.checkTerraformFiles();
    const files = await readTerraformFiles(this.templateDir);
    // Parsed in-process (wasm) while terraform runs; a syntax error surfaces first from init.
    const parsing = parseVariables(files).then(
      (vars) => ({ vars }),
      (err: Error) => ({ err }),
    );
    const start = await this.planAndConvert(
      'start',
      'Detecting persistent resources',
      [],
      variables,
      undefined,
      true,
    );
    this.ctx.log('info', 'Parsing template parameters', 'Reading variables and parameters.');
    const parsed = await parsing;
    if ('err' in parsed)
      throw new ProvisionFailure(
        `The template's variables could not be parsed: ${parsed.err.message}`,
        'INVALID_INPUT',
      );
    const stop = await this.planAndConvert(
      'stop',
      'Detecting ephemeral resources',
      [],
      variables,
      start.graph,
      false,
    );
    return {
      resources: start.converted,
      stop_resources: stop.converted,
      parameters: convertParameters(start.resources, parameterBlockOrder(files)),
      variables: parsed.vars,
      readme: await readReadme(this.templateDir),
      external_auth_providers: convertExternalAuth(start.resources),
    };
  }

  async dryRun(
    parameters: readonly WorkspaceBuildParameter[],
    variables: readonly VariableValue[],
  ): Promise<ProvisionResult> {
    await this.checkTerraformFiles();
    const files = await readTerraformFiles(this.templateDir);
    const run = await this.planAndConvert('start', 'Planning', parameters, variables, undefined, true);
    return {
      resources: run.converted,
      parameters: convertParameters(run.resources, parameterBlockOrder(files)),
      external_auth_providers: convertExternalAuth(run.resources),
    };
  }

  async build(payload: Extract<JobPayload, { type: 'workspace_build' }>): Promise<ProvisionResult> {
    const transition = payload.metadata.workspace_transition;
    await this.checkTerraformFiles();
    await this.session.writeState(payload.state);
    if (transition === 'destroy' && !(await this.hasResources())) {
      this.ctx.log('info', 'Planning', 'The workspace has no resources in its state; nothing to destroy.');
      return { resources: [], state: payload.state ?? '' };
    }
    const { env, close } = await this.environment(transition, payload.rich_parameter_values);
    try {
      await this.session.init(env);
      const planFile = join(this.jobDir, 'build.tfplan');
      // A destroy leaves nothing to attach agents to, so it needs no graph.
      const graph = transition === 'destroy' ? undefined : this.session.graph(env, 'Planning');
      try {
        await this.session.plan(planFile, {
          env,
          stage: 'Planning',
          destroy: transition === 'destroy',
          variables: payload.variable_values,
        });
        await this.session.apply(planFile, env);
        const { state, resources } = await this.session.readState(env);
        return {
          state,
          resources: graph ? convertResources({ resources, graph: await graph }) : [],
        };
      } catch (err) {
        // Whatever the failure (plan, apply, an invalid agent found after apply), the state on
        // disk goes back with it so the next build starts from what really exists.
        if (!(err instanceof ProvisionFailure)) throw err;
        throw new ProvisionFailure(
          err.message,
          err.errorCode,
          err.state ?? (await this.session.partialState()),
        );
      } finally {
        await graph?.catch(() => {});
      }
    } finally {
      await close();
    }
  }

  private async hasResources(): Promise<boolean> {
    const state = await this.session.partialState();
    if (!state) return false;
    try {
      const parsed = JSON.parse(Buffer.from(state, 'base64').toString('utf8')) as { resources?: unknown[] };
      return !Array.isArray(parsed.resources) || parsed.resources.length > 0;
    } catch {
      return true;
    }
  }
}
