/**
 * Authenticates a workspace agent by its agent token (the session header, as Coder's agents send
 * it) and runs the rest of the chain as the agent system actor. Only an agent of its workspace's
 * latest build is accepted, so a stopped or superseded agent cannot act for the workspace.
 * `requireWorkspaceAgent` reads the agent's row on every request; `requireReportingAgent`, for
 * the frequent reports, resolves the token through the replica's cache (agent-token-cache.ts), so
 * handlers behind it may use only what never changes for an agent (its ids and workspace's ids).
 */
import { Unauthenticated } from '../../sdk/errors.js';
import { SessionTokenHeader } from '../../sdk/headers.js';
import { withActor } from '../../database/authz/actor-context.js';
import { systemActors } from '../../database/authz/actors.js';
import { hashSecret } from '../apikey.js';
import type { WorkspaceAgentWithWorkspaceRow } from '../../database/queries/workspace-agents.js';
import type { Middleware, RequestContext } from '../request-context.js';
import { uuidPattern } from '../../sdk/validation.js';

type AgentLookup = (ctx: RequestContext, hash: Buffer) => Promise<WorkspaceAgentWithWorkspaceRow | undefined>;

const agentMiddleware =
  (lookup: AgentLookup): Middleware =>
  async (ctx, next) => {
    const token = ctx.req.headers[SessionTokenHeader.toLowerCase()];
    if (typeof token !== 'string' || !uuidPattern.test(token))
      throw new Unauthenticated('A workspace agent token is required.', {
        detail: `Send the agent token in the ${SessionTokenHeader} header.`,
      });
    // The agent is not a user: its token is resolved, and its reports written, by the agent actor.
    await withActor(systemActors.agent, async () => {
      const agent = await lookup(ctx, hashSecret(token));
      if (!agent)
        throw new Unauthenticated(
          'The agent token is invalid, or its workspace build is no longer the latest.',
        );
      ctx.agent = agent;
      await next();
    });
  };

export const requireWorkspaceAgent = agentMiddleware((ctx, hash) =>
  ctx.api.store.getWorkspaceAgentByAuthTokenHash(hash),
);

export const requireReportingAgent = agentMiddleware((ctx, hash) => ctx.api.agentTokens.get(hash));
