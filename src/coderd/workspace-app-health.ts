/**
 * `POST /workspaceagents/me/app-health` (Coder's agentsdk PostAppHealthsRequest): the agent reports
 * the health of its apps that have a healthcheck. Every id must be one of this agent's apps with a
 * healthcheck; changes are stored and announced to the workspace's watchers.
 */
import { InvalidInput } from '../sdk/errors.js';
import { PostAppHealthsRequest } from '../sdk/workspace-apps.js';
import { readJson } from './httpapi/read.js';
import { writeJson } from './httpapi/write.js';
import { jobResources } from './provisioned-resources.js';
import { agentOf, type RequestContext } from './request-context.js';
import { publishWorkspaceEvent } from './workspace-events.js';

export async function postAppHealth(ctx: RequestContext): Promise<void> {
  const agent = agentOf(ctx);
  const { healths } = await readJson(ctx.req, PostAppHealthsRequest);
  const { store } = ctx.api;
  const resources = (await jobResources(store, [agent.job_id])).get(agent.job_id) ?? [];
  const apps = resources.flatMap((r) => r.agents).find((a) => a.id === agent.id)?.apps ?? [];
  for (const id of Object.keys(healths)) {
    const app = apps.find((a) => a.id === id);
    if (!app) throw InvalidInput.field('healths', `App ${id} is not an app of this agent.`);
    if (!app.healthcheck)
      throw InvalidInput.field(
        'healths',
        `App "${app.slug}" has no healthcheck, so its health is not reported.`,
      );
  }
  if ((await store.updateWorkspaceAppHealths(agent.id, healths)) > 0)
    await publishWorkspaceEvent(ctx.api.pubsub, ctx.logger, agent.workspace_id);
  writeJson(ctx.res, 200, {});
}
