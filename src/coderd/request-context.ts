/** What a handler gets: the raw request/response, path params, and what middleware resolved. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../sdk/logger.js';
import type { UserActor } from '../database/authz/rbac.js';
import type {
  APIKeyRow,
  OrganizationRow,
  TemplateRow,
  TemplateVersionRow,
  UserRow,
} from '../database/models.js';
import type { WorkspaceAgentWithWorkspaceRow } from '../database/queries/workspace-agents.js';
import type { Coderd } from './coderd.js';

export interface Authentication {
  apiKey: APIKeyRow;
  user: UserRow;
  actor: UserActor;
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string | undefined>;
  requestId: string;
  logger: Logger;
  api: Coderd;
  /** Set by httpmw/api-key. */
  auth?: Authentication;
  /** Set by httpmw/user-param for routes with `{user}`. */
  user?: UserRow;
  /** Set by httpmw/organization-param for routes with `{organization}`. */
  organization?: OrganizationRow;
  /** Set by httpmw/template-param for routes with `{template}`. */
  template?: TemplateRow;
  /** Set by httpmw/template-param for routes with `{templateversion}`. */
  templateVersion?: TemplateVersionRow;
  /** Set by httpmw/workspace-agent on the agent's own routes. */
  agent?: WorkspaceAgentWithWorkspaceRow;
}

export type Handler = (ctx: RequestContext) => Promise<void>;
export type Middleware = (ctx: RequestContext, next: () => Promise<void>) => Promise<void>;

/** Accessors that fail loudly when a route forgot its middleware (a developer error). */
export function authOf(ctx: RequestContext): Authentication {
  if (!ctx.auth) throw new Error('route is missing the api-key middleware');
  return ctx.auth;
}

export function userOf(ctx: RequestContext): UserRow {
  if (!ctx.user) throw new Error('route is missing the user-param middleware');
  return ctx.user;
}

export function organizationOf(ctx: RequestContext): OrganizationRow {
  if (!ctx.organization) throw new Error('route is missing the organization-param middleware');
  return ctx.organization;
}

export function templateOf(ctx: RequestContext): TemplateRow {
  if (!ctx.template) throw new Error('route is missing the template-param middleware');
  return ctx.template;
}

export function templateVersionOf(ctx: RequestContext): TemplateVersionRow {
  if (!ctx.templateVersion) throw new Error('route is missing the template-version-param middleware');
  return ctx.templateVersion;
}

export function agentOf(ctx: RequestContext): WorkspaceAgentWithWorkspaceRow {
  if (!ctx.agent) throw new Error('route is missing the workspace-agent middleware');
  return ctx.agent;
}
