/**
 * The echo provisioner (Coder's provisioner/echo): the job's input is a script of stages, each of
 * which may emit logs, sleep, fail or return resources, so the queue, logs and cancellation can be
 * tested without Terraform. Input shape (docs/adr/0021):
 *
 *   { "stages": [ { "stage": "Planning", "logs": ["line", {"level": "warn", "output": "…"}],
 *                   "sleep_ms": 500, "ignore_cancel": false, "fail": "message",
 *                   "resources": [{ "name": "dev", "type": "null_resource", "agents": [{ "name": "main" }] }] } ] }
 */
import { sleep } from '../../sdk/sleep.js';
import { z } from 'zod';
import { logLevels } from '../../sdk/provisioner-jobs.js';
import {
  ProvisionFailure,
  type ProvisionContext,
  type ProvisionedResource,
  type Provisioner,
  type ProvisionResult,
} from '../../sdk/provisioner.js';
import type { AcquiredJob } from '../../sdk/provisionerd-protocol.js';

const Resource = z.object({
  name: z.string(),
  type: z.string(),
  agents: z
    .array(
      z.object({
        name: z.string(),
        operating_system: z.string().optional(),
        architecture: z.string().optional(),
      }),
    )
    .optional(),
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

export const EchoInput = z.object({ stages: z.array(Stage).max(1000).default([]) });
export type EchoInput = z.input<typeof EchoInput>;

export class EchoProvisioner implements Provisioner {
  readonly type = 'echo' as const;

  async provision(job: AcquiredJob, ctx: ProvisionContext): Promise<ProvisionResult> {
    const parsed = EchoInput.safeParse(job.input ?? {});
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
      resources.push(...stage.resources);
    }
    return { resources };
  }
}
