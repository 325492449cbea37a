/**
 * Wire types and names for workspace apps (Coder's codersdk/workspaceapps.go,
 * workspaceagentportshare.go, agentsdk's app-health request): the wildcard host, port sharing,
 * app health reports, and the cookie and query names of the app authentication flow.
 */
import { z } from 'zod';
import type { WorkspaceAppSharingLevel } from './workspaces.js';

/** `GET /applications/host`: the wildcard host for subdomain apps, '' when not configured. */
export interface AppHostResponse {
  host: string;
}

/** Cookie on the app domain holding an application-connect API key (subdomain apps). */
export const SubdomainAppSessionTokenCookie = 'coder_subdomain_app_session_token';
/** Cookie holding a short-lived signed app token, so each request is not a database lookup. */
export const SignedAppTokenCookie = 'coder_signed_app_token';
/** Cookie a path app would use behind a workspace proxy (never set by Hangar; stripped anyway). */
export const PathAppSessionTokenCookie = 'coder_path_app_session_token';
/** Query parameter carrying the encrypted app key back from the dashboard (§8.3). */
export const AppConnectKeyParam = 'coder_application_connect_api_key_35e783';
/** `GET /applications/auth-redirect?redirect_uri=…` */
export const AppRedirectUriParam = 'redirect_uri';

export const sharingLevels = ['owner', 'authenticated', 'public'] as const;
/** Ports 0–8 are the agent's own (Coder's WorkspaceAgentMinimumListeningPort). */
export const minimumAppPort = 9;

export type PortShareProtocol = 'http' | 'https';

export interface WorkspaceAgentPortShare {
  workspace_id: string;
  agent_name: string;
  port: number;
  share_level: WorkspaceAppSharingLevel;
  protocol: PortShareProtocol;
}

export interface WorkspaceAgentPortShares {
  shares: WorkspaceAgentPortShare[];
}

const agentName = z.string().min(1).max(64);
const port = z.number().int().min(minimumAppPort, `Ports below ${minimumAppPort} are reserved.`).max(65535);

/** `POST /workspaces/{id}/port-share`: creates or updates the share of (agent, port). */
export const UpsertWorkspaceAgentPortShareRequest = z.strictObject({
  agent_name: agentName,
  port,
  share_level: z.enum(sharingLevels),
  protocol: z.enum(['http', 'https']).default('http'),
});
export type UpsertWorkspaceAgentPortShareRequest = z.input<typeof UpsertWorkspaceAgentPortShareRequest>;

/** `DELETE /workspaces/{id}/port-share`. */
export const DeleteWorkspaceAgentPortShareRequest = z.strictObject({ agent_name: agentName, port });
export type DeleteWorkspaceAgentPortShareRequest = z.infer<typeof DeleteWorkspaceAgentPortShareRequest>;

/** `POST /workspaceagents/me/app-health`: app id → health, for apps with a healthcheck. */
export const PostAppHealthsRequest = z.strictObject({
  healths: z.record(z.uuid(), z.enum(['initializing', 'healthy', 'unhealthy'])),
});
export type PostAppHealthsRequest = z.infer<typeof PostAppHealthsRequest>;

/** Sharing levels in increasing reach; a port share is capped by its template's maximum. */
export function minSharingLevel(
  a: WorkspaceAppSharingLevel,
  b: WorkspaceAppSharingLevel,
): WorkspaceAppSharingLevel {
  return sharingLevels.indexOf(a) <= sharingLevels.indexOf(b) ? a : b;
}
