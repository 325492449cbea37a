/** Workspace handlers: create, read, list with Coder's search syntax, rename, TTL, autostart. */
import { z } from 'zod';
import { InvalidInput, NotFound } from '../sdk/errors.js';
import {
  CreateWorkspaceRequest,
  UpdateWorkspaceAutostartRequest,
  UpdateWorkspaceRequest,
  UpdateWorkspaceTTLRequest,
  type WorkspaceStatus,
  type WorkspacesResponse,
} from '../sdk/workspaces.js';
import type { ListWorkspacesParams } from '../database/queries/workspaces.js';
import type { WorkspaceWithNamesRow } from '../database/models.js';
import { parseWith, readJson } from './httpapi/read.js';
import { writeJson } from './httpapi/write.js';
import { authOf, userOf, type RequestContext } from './request-context.js';
import { toWorkspaces } from './workspaces-convert.js';
import { effectiveTtlNs, validateAutostart } from './workspaces-service.js';
import { publishWorkspaceEvent } from './workspace-events.js';

const statuses: WorkspaceStatus[] = [
  'pending',
  'starting',
  'running',
  'stopping',
  'stopped',
  'failed',
  'canceling',
  'canceled',
  'deleting',
  'deleted',
];

type WorkspaceSearch = Omit<ListWorkspacesParams, 'limit' | 'offset' | 'owner_ids'>;

/** Coder's workspace search: `owner:me template:x status:running name:y` and bare words (name). */
export function parseWorkspaceSearch(q: string, me: string): WorkspaceSearch {
  const out: WorkspaceSearch = {};
  const words: string[] = [];
  for (const term of q.split(/\s+/).filter(Boolean)) {
    const i = term.indexOf(':');
    const [k, v] = i >= 0 ? [term.slice(0, i), term.slice(i + 1)] : ['', term];
    if (k === '') words.push(v);
    else if (k === 'owner') out.owner_username = v === 'me' ? me : v;
    else if (k === 'name') words.push(v);
    else if (k === 'template') out.template_name = v;
    else if (k === 'status') {
      if (!statuses.includes(v as WorkspaceStatus))
        throw InvalidInput.field('q', `Unknown status "${v}"; one of ${statuses.join(', ')}.`);
      out.status = v as WorkspaceStatus;
    } else throw InvalidInput.field('q', `Unknown search filter "${k}".`);
  }
  if (words.length) out.name = words.join(' ');
  return out;
}

const listQuery = z.object({
  limit: z.coerce.number().int().min(0).max(1000).default(0),
  offset: z.coerce.number().int().min(0).default(0),
  q: z.string().max(512).default(''),
});

/** The `{workspace}` path parameter: a workspace the actor may read (deleted ones only on request). */
export async function workspaceOf(
  ctx: RequestContext,
  includeDeleted = false,
): Promise<WorkspaceWithNamesRow> {
  const w = await ctx.api.store.getWorkspaceById(ctx.params.workspace ?? '', includeDeleted);
  if (!w) throw new NotFound('Workspace not found.');
  return w;
}

async function writeWorkspace(ctx: RequestContext, status: number, w: WorkspaceWithNamesRow): Promise<void> {
  writeJson(ctx.res, status, (await toWorkspaces(ctx.api.store, [w]))[0]);
}

/** POST /users/{user}/workspaces and /organizations/{org}/members/{user}/workspaces. */
export async function createWorkspace(ctx: RequestContext): Promise<void> {
  const req = await readJson(ctx.req, CreateWorkspaceRequest);
  const w = await ctx.api.workspaces.createWorkspace(
    userOf(ctx),
    req,
    authOf(ctx).user.id,
    ctx.organization?.id,
  );
  ctx.logger.info({ workspace: w.id, owner: w.owner_username }, 'workspace created');
  await writeWorkspace(ctx, 201, w);
}

export async function getWorkspaceByOwnerAndName(ctx: RequestContext): Promise<void> {
  const w = await ctx.api.store.getWorkspaceByOwnerAndName(userOf(ctx).id, ctx.params.workspacename ?? '');
  if (!w) throw new NotFound(`Workspace "${ctx.params.workspacename}" not found.`);
  await writeWorkspace(ctx, 200, w);
}

export async function getWorkspace(ctx: RequestContext): Promise<void> {
  await writeWorkspace(
    ctx,
    200,
    await workspaceOf(ctx, ctx.url.searchParams.get('include_deleted') === 'true'),
  );
}

export async function listWorkspaces(ctx: RequestContext): Promise<void> {
  const query = parseWith(listQuery, Object.fromEntries(ctx.url.searchParams), 'query');
  const { store } = ctx.api;
  const { workspaces, count } = await store.listWorkspaces({
    ...parseWorkspaceSearch(query.q, authOf(ctx).user.username),
    // Coder: limit 0 means "no limit".
    limit: query.limit || 1000,
    offset: query.offset,
  });
  const body: WorkspacesResponse = { workspaces: await toWorkspaces(store, workspaces), count };
  writeJson(ctx.res, 200, body);
}

export async function patchWorkspace(ctx: RequestContext): Promise<void> {
  const req = await readJson(ctx.req, UpdateWorkspaceRequest);
  const w = await workspaceOf(ctx);
  await ctx.api.store.updateWorkspaceName(w.id, req.name);
  await publishWorkspaceEvent(ctx.api.pubsub, ctx.logger, w.id);
  writeJson(ctx.res, 204, undefined);
}

export async function putWorkspaceTTL(ctx: RequestContext): Promise<void> {
  const req = await readJson(ctx.req, UpdateWorkspaceTTLRequest);
  const w = await workspaceOf(ctx);
  const template = await ctx.api.store.getTemplateById(w.template_id);
  if (!template) throw new NotFound("The workspace's template is gone.");
  if (!template.allow_user_autostop)
    throw InvalidInput.field('ttl_ms', 'The template does not allow custom autostop times.');
  await ctx.api.store.updateWorkspaceTTL(w.id, effectiveTtlNs(req.ttl_ms, template));
  await publishWorkspaceEvent(ctx.api.pubsub, ctx.logger, w.id);
  writeJson(ctx.res, 204, undefined);
}

export async function putWorkspaceAutostart(ctx: RequestContext): Promise<void> {
  const req = await readJson(ctx.req, UpdateWorkspaceAutostartRequest);
  const w = await workspaceOf(ctx);
  const template = await ctx.api.store.getTemplateById(w.template_id);
  if (!template) throw new NotFound("The workspace's template is gone.");
  await ctx.api.store.updateWorkspaceAutostart(w.id, validateAutostart(req.schedule, template));
  await publishWorkspaceEvent(ctx.api.pubsub, ctx.logger, w.id);
  writeJson(ctx.res, 204, undefined);
}
