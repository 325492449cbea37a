/**
 * Authenticates a workspace agent by its agent token (the session header, as Coder's agents send
 * it) and runs the rest of the chain as the agent system actor. Only an agent of its workspace's
 * latest build is accepted, so a stopped or superseded agent cannot act for the workspace.
 */
import { Unauthenticated } from '../../sdk/errors.js';
import { SessionTokenHeader } from '../../sdk/headers.js';
import { withActor } from '../../database/authz/actor-context.js';
import { systemActors } from '../../database/authz/actors.js';
import type { Middleware } from '../request-context.js';
import { uuidPattern } from '../../sdk/validation.js';

export const requireWorkspaceAgent: Middleware = async (ctx, next) => {
  const token = ctx.req.headers[SessionTokenHeader.toLowerCase()];
  if (typeof token !== 'string' || !uuidPattern.test(token))
    throw new Unauthenticated('A workspace agent token is required.', {
      detail: `Send the agent token in the ${SessionTokenHeader} header.`,
    });
  // The agent is not a user: its token is resolved, and its reports written, by the agent actor.
  await withActor(systemActors.agent, async () => {
    const agent = await ctx.api.store.getWorkspaceAgentByAuthToken(token);
    if (!agent)
      throw new Unauthenticated(
        'The agent token is invalid, or its workspace build is no longer the latest.',
      );
    ctx.agent = agent;
    await next();
  });
};
