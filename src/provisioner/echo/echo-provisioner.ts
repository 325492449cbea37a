/**
 * The echo provisioner (Coder's provisioner/echo): the job's input is a script of stages, each of
 * which may emit logs, sleep, fail or return resources, so the queue, logs and cancellation can be
 * tested without Terraform. Input shape (docs/adr/0021):
 *
 *   { "stages": [ { "stage": "Planning", "logs": ["line", {"level": "warn", "output": "…"}],
 *                   "sleep_ms": 500, "ignore_cancel": false, "fail": "message",
 *                   "resources": [{ "name": "dev", "type": "null_resource", "agents": [{ "name": "main" }] }] } ] }
 *
 * Template and workspace jobs (those with a payload) read the script from `echo.json` in the
 * template archive instead, one per step: `{ "import": {…}, "start": {…}, "stop": {…},
 * "destroy": {…}, "dry_run": {…} }`. A script there may also return `parameters`, `variables`,
 * `readme` and `stop_resources` (import), and its strings may name fields of the build's metadata
 * as `{{metadata.workspace_id}}`, e.g. for an agent token unique to each workspace (scale tests). Builds return a state `echo:<transition>:<n>` counting
 * the builds that handed it on, so tests can see the state travel between builds.
 */
import { sleep } from '../../sdk/sleep.js';
import { z } from 'zod';
import { logLevels } from '../../sdk/provisioner-jobs.js';
import {
  ProvisionFailure,
  type ProvisionContext,
  type ProvisionMetadata,
  type ProvisionedResource,
  type Provisioner,
  type ProvisionResult,
} from '../../sdk/provisioner.js';
import type { AcquiredJob } from '../../sdk/provisionerd-protocol.js';
import { readTemplateArchive } from '../../sdk/template-archive.js';

// Resources pass through as the provisioner protocol's shape; only the identifying fields are checked.
const Resource = z.looseObject({
  name: z.string(),
  type: z.string(),
  agents: z.array(z.looseObject({ name: z.string() })).optional(),
});

const Stage = z.strictObject({
  stage: z.string().max(128).default('Provisioning'),
  logs: z
    .array(z.union([z.string(), z.object({ level: z.enum(logLevels).default('info'), output: z.string() })]))
    .default([]),
  sleep_ms: z.number().int().min(0).max(3_600_000).default(0),
  /** Keep sleeping through a graceful cancel, to exercise the forced path. */
  ignore_cancel: z.boolean().default(false),
  fail: z.string().optional(),
  resources: z.array(Resource).default([]),
});

export const EchoInput = z.object({
  stages: z.array(Stage).max(1000).default([]),
  parameters: z.array(z.looseObject({ name: z.string() })).optional(),
  variables: z.array(z.looseObject({ name: z.string() })).optional(),
  readme: z.string().optional(),
  stop_resources: z.array(Resource).optional(),
});
export type EchoInput = z.input<typeof EchoInput>;

/** `echo.json` of a template archive: one script per step. */
export type EchoTemplate = Partial<Record<'import' | 'start' | 'stop' | 'destroy' | 'dry_run', EchoInput>>;

async function scriptFor(job: AcquiredJob): Promise<unknown> {
  const payload = job.payload;
  if (!payload) return job.input ?? {};
  if (!job.template_source_archive) throw new ProvisionFailure('The job has no template archive.');
  const entries = await readTemplateArchive(Buffer.from(job.template_source_archive, 'base64'));
  const file = entries.find((e) => e.path === 'echo.json');
  if (!file) return {};
  let template: Record<string, unknown>;
  try {
    template = JSON.parse(file.data.toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ProvisionFailure(`echo.json is not valid JSON: ${(err as Error).message}`, 'INVALID_INPUT');
  }
  const step =
    payload.type === 'template_version_import'
      ? 'import'
      : payload.type === 'template_version_dry_run'
        ? 'dry_run'
        : payload.metadata.workspace_transition;
  return withMetadata(template[step] ?? {}, payload.metadata);
}

/** Never substituted: the owner's credentials have no business in an echo script's output. */
const secretMetadata = new Set(['workspace_owner_session_token', 'workspace_owner_ssh_private_key']);

/** Replaces `{{metadata.<field>}}` in every string of `value`; unknown fields stay as written. */
export function withMetadata(value: unknown, metadata: ProvisionMetadata): unknown {
  if (typeof value === 'string')
    return value.replace(/\{\{metadata\.([a-z_]+)\}\}/g, (whole, field: string) => {
      const v = (metadata as unknown as Record<string, unknown>)[field];
      return typeof v === 'string' && !secretMetadata.has(field) ? v : whole;
    });
  if (Array.isArray(value)) return value.map((v) => withMetadata(v, metadata));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withMetadata(v, metadata)]));
  return value;
}

/** The next build's state: the transition and how many builds have carried the state so far. */
function nextState(job: AcquiredJob): string | undefined {
  if (job.payload?.type !== 'workspace_build') return undefined;
  const previous = job.payload.state ? Buffer.from(job.payload.state, 'base64').toString('utf8') : '';
  const count = Number(/^echo:[a-z]+:(\d+)$/.exec(previous)?.[1] ?? 0);
  return Buffer.from(`echo:${job.payload.metadata.workspace_transition}:${count + 1}`).toString('base64');
}

export class EchoProvisioner implements Provisioner {
  readonly type = 'echo' as const;

  async provision(job: AcquiredJob, ctx: ProvisionContext): Promise<ProvisionResult> {
    const parsed = EchoInput.safeParse(await scriptFor(job));
    if (!parsed.success) {
      throw new ProvisionFailure(
        `The echo job input is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ')}`,
        'INVALID_INPUT',
      );
    }
    const resources: ProvisionedResource[] = [];
    for (const stage of parsed.data.stages) {
      if (ctx.canceled.aborted) throw new Error('canceled before the next stage');
      for (const line of stage.logs) {
        if (typeof line === 'string') ctx.log('info', stage.stage, line);
        else ctx.log(line.level, stage.stage, line.output);
      }
      if (stage.sleep_ms > 0) await sleep(stage.sleep_ms, stage.ignore_cancel ? ctx.killed : ctx.canceled);
      if (ctx.killed.aborted) throw new Error('killed');
      if (ctx.canceled.aborted && !stage.ignore_cancel) {
        ctx.log('warn', stage.stage, 'Interrupted by cancel.');
        throw new Error('interrupted during ' + stage.stage);
      }
      if (stage.fail !== undefined) throw new ProvisionFailure(stage.fail);
      resources.push(...(stage.resources as ProvisionedResource[]));
    }
    const { parameters, variables, readme, stop_resources } = parsed.data;
    return {
      resources,
      state: nextState(job),
      parameters: parameters as ProvisionResult['parameters'],
      variables: variables as ProvisionResult['variables'],
      readme,
      stop_resources: stop_resources as ProvisionedResource[] | undefined,
    };
  }
}
