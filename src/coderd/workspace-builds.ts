/** Build handlers: create, list, read, cancel, logs (with follow), parameters, resources, state. */
import { InvalidInput, NotFound } from '../sdk/errors.js';
import { CreateWorkspaceBuildRequest } from '../sdk/workspaces.js';
import type { WorkspaceBuildWithNamesRow } from '../database/models.js';
import { readBody, readJson } from './httpapi/read.js';
import { writeJson } from './httpapi/write.js';
import { jobResources } from './provisioned-resources.js';
import { toProvisionerJobLog } from './provisioner-convert.js';
import { followJobLogs } from './provisioner-job-logs-follow.js';
import { afterParam, wantsFollow } from './log-follow.js';
import { authOf, userOf, type RequestContext } from './request-context.js';
import { workspaceOf } from './workspaces.js';
import { toWorkspaceBuilds } from './workspaces-convert.js';
import { publishWorkspaceEvent } from './workspace-events.js';

/** Largest Terraform state `PUT …/state` accepts. */
const maxStateBytes = 32 << 20;

async function buildOf(ctx: RequestContext): Promise<WorkspaceBuildWithNamesRow> {
  const b = await ctx.api.store.getWorkspaceBuildById(ctx.params.workspacebuild ?? '');
  if (!b) throw new NotFound('Workspace build not found.');
  return b;
}

async function writeBuild(ctx: RequestContext, status: number, b: WorkspaceBuildWithNamesRow): Promise<void> {
  writeJson(ctx.res, status, (await toWorkspaceBuilds(ctx.api.store, [b]))[0]);
}

export async function postWorkspaceBuild(ctx: RequestContext): Promise<void> {
  const req = await readJson(ctx.req, CreateWorkspaceBuildRequest);
  // Deleted workspaces are loaded so the refusal says why instead of "not found".
  const w = await workspaceOf(ctx, true);
  const build = await ctx.api.workspaces.createBuild(w, req, authOf(ctx).user.id);
  ctx.logger.info(
    { workspace: w.id, build: build.build_number, transition: req.transition },
    'build created',
  );
  await writeBuild(ctx, 201, build);
}

export async function listWorkspaceBuilds(ctx: RequestContext): Promise<void> {
  const w = await workspaceOf(ctx, true);
  const rows = await ctx.api.store.listWorkspaceBuilds(w.id);
  writeJson(ctx.res, 200, await toWorkspaceBuilds(ctx.api.store, rows));
}

export async function getWorkspaceBuild(ctx: RequestContext): Promise<void> {
  await writeBuild(ctx, 200, await buildOf(ctx));
}

/** GET /users/{user}/workspace/{workspacename}/builds/{buildnumber}. */
export async function getWorkspaceBuildByNumber(ctx: RequestContext): Promise<void> {
  const { store } = ctx.api;
  const w = await store.getWorkspaceByOwnerAndName(userOf(ctx).id, ctx.params.workspacename ?? '');
  if (!w) throw new NotFound(`Workspace "${ctx.params.workspacename}" not found.`);
  const n = Number(ctx.params.buildnumber);
  if (!Number.isSafeInteger(n) || n < 1)
    throw InvalidInput.field('buildnumber', 'Must be a positive integer.');
  const b = await store.getWorkspaceBuildByNumber(w.id, n);
  if (!b) throw new NotFound(`Build #${n} of workspace "${w.name}" not found.`);
  await writeBuild(ctx, 200, b);
}

export async function cancelWorkspaceBuild(ctx: RequestContext): Promise<void> {
  await ctx.api.workspaces.cancelBuild(await buildOf(ctx));
  writeJson(ctx.res, 200, { message: 'Job has been marked as canceled.' });
}

/** GET /workspacebuilds/{id}/logs[?after=<id>][&follow] — JSON, or a WebSocket stream with follow. */
export async function workspaceBuildLogs(ctx: RequestContext): Promise<void> {
  const after = afterParam(ctx);
  const b = await buildOf(ctx);
  const { store } = ctx.api;
  if (wantsFollow(ctx)) {
    return followJobLogs(ctx, b.job_id, after, {
      job: async () => (await store.listWorkspaceBuildJobs([b.job_id]))[0],
      logs: (a) => store.listWorkspaceBuildLogsAfter(b.id, a),
    });
  }
  const logs = await store.listWorkspaceBuildLogsAfter(b.id, after);
  writeJson(ctx.res, 200, logs.map(toProvisionerJobLog));
}

export async function workspaceBuildParameters(ctx: RequestContext): Promise<void> {
  const b = await buildOf(ctx);
  writeJson(ctx.res, 200, await ctx.api.store.listWorkspaceBuildParameters(b.id));
}

export async function workspaceBuildResources(ctx: RequestContext): Promise<void> {
  const b = await buildOf(ctx);
  writeJson(ctx.res, 200, (await jobResources(ctx.api.store, [b.job_id])).get(b.job_id) ?? []);
}

export async function getWorkspaceBuildState(ctx: RequestContext): Promise<void> {
  const b = await buildOf(ctx);
  const state = (await ctx.api.store.getWorkspaceBuildState(b.id)) ?? Buffer.alloc(0);
  ctx.res.statusCode = 200;
  ctx.res.setHeader('Content-Type', 'application/json');
  ctx.res.setHeader('Content-Length', state.length);
  ctx.res.end(state);
}

export async function putWorkspaceBuildState(ctx: RequestContext): Promise<void> {
  const b = await buildOf(ctx);
  const state = await readBody(ctx.req, maxStateBytes);
  await ctx.api.store.updateWorkspaceBuildState(b.id, state);
  await publishWorkspaceEvent(ctx.api.pubsub, ctx.logger, b.workspace_id);
  writeJson(ctx.res, 204, undefined);
}
