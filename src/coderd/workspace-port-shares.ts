/**
 * Port sharing (Coder's workspaceportshare.go): `GET/POST/DELETE /workspaces/{id}/port-share`.
 * A share sets who may open a dev URL of one agent's port; it can be no wider than the template's
 * `max_port_share_level`. Reading needs read on the workspace, changing it update (its owner).
 */
import { InvalidInput, NotFound } from '../sdk/errors.js';
import {
  DeleteWorkspaceAgentPortShareRequest,
  minSharingLevel,
  UpsertWorkspaceAgentPortShareRequest,
  type WorkspaceAgentPortShare,
  type WorkspaceAgentPortShares,
} from '../sdk/workspace-apps.js';
import type { PortShareRow } from '../database/queries/workspace-apps.js';
import { readJson } from './httpapi/read.js';
import { writeJson } from './httpapi/write.js';
import { jobResources } from './provisioned-resources.js';
import type { RequestContext } from './request-context.js';
import { workspaceOf } from './workspaces.js';

const toShare = (r: PortShareRow): WorkspaceAgentPortShare => ({
  workspace_id: r.workspace_id,
  agent_name: r.agent_name,
  port: r.port,
  share_level: r.share_level,
  protocol: r.protocol,
});

export async function listPortShares(ctx: RequestContext): Promise<void> {
  const w = await workspaceOf(ctx);
  const rows = await ctx.api.store.listWorkspacePortShares(w.id);
  const body: WorkspaceAgentPortShares = { shares: rows.map(toShare) };
  writeJson(ctx.res, 200, body);
}

export async function upsertPortShare(ctx: RequestContext): Promise<void> {
  const req = await readJson(ctx.req, UpsertWorkspaceAgentPortShareRequest);
  const { store } = ctx.api;
  const w = await workspaceOf(ctx);
  const template = await store.getTemplateById(w.template_id);
  if (!template) throw new NotFound("The workspace's template is gone.");
  const max = template.max_port_sharing_level;
  if (minSharingLevel(req.share_level, max) !== req.share_level)
    throw InvalidInput.field('share_level', `The template allows sharing ports with at most "${max}".`);
  const [build] = await store.listLatestWorkspaceBuilds([w.id]);
  const resources = build ? ((await jobResources(store, [build.job_id])).get(build.job_id) ?? []) : [];
  if (!resources.some((r) => r.agents.some((a) => a.name === req.agent_name)))
    throw InvalidInput.field('agent_name', `The workspace has no agent named "${req.agent_name}".`);
  const row = await store.upsertWorkspacePortShare({
    workspace_id: w.id,
    agent_name: req.agent_name,
    port: req.port,
    share_level: req.share_level,
    protocol: req.protocol,
  });
  writeJson(ctx.res, 200, toShare(row));
}

export async function deletePortShare(ctx: RequestContext): Promise<void> {
  const req = await readJson(ctx.req, DeleteWorkspaceAgentPortShareRequest);
  const w = await workspaceOf(ctx);
  if (!(await ctx.api.store.deleteWorkspacePortShare(w.id, req.agent_name, req.port)))
    throw new NotFound(`Port ${req.port} of agent "${req.agent_name}" is not shared.`);
  ctx.res.statusCode = 200;
  ctx.res.end();
}
