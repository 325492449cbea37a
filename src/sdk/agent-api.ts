/**
 * The agent's side of the API (Coder's codersdk/agentsdk): what a workspace agent fetches and
 * reports, authenticated by its agent token in the session header.
 */
import { z } from 'zod';
import type {
  WorkspaceAgentLifecycle,
  WorkspaceAgentMetadataDescription,
  WorkspaceAgentScript,
  WorkspaceApp,
} from './workspaces.js';

export interface AgentManifest {
  agent_id: string;
  agent_name: string;
  owner_name: string;
  workspace_id: string;
  workspace_name: string;
  coder_url: string;
  environment_variables: Record<string, string>;
  directory: string;
  motd_file: string;
  apps: WorkspaceApp[];
  scripts: WorkspaceAgentScript[];
  metadata: WorkspaceAgentMetadataDescription[];
}

export const agentLifecycleStates = [
  'created',
  'starting',
  'start_timeout',
  'start_error',
  'ready',
  'shutting_down',
  'shutdown_timeout',
  'shutdown_error',
  'off',
] as const satisfies readonly WorkspaceAgentLifecycle[];

export const PostLifecycleRequest = z.strictObject({
  state: z.enum(agentLifecycleStates),
  changed_at: z.iso.datetime({ offset: true }).optional(),
});
export type PostLifecycleRequest = z.infer<typeof PostLifecycleRequest>;

export const PostStartupRequest = z.strictObject({
  version: z.string().max(128),
  expanded_directory: z.string().max(4096),
  subsystems: z
    .array(z.enum(['envbox', 'envbuilder', 'exectrace']))
    .max(3)
    .default([]),
});
export type PostStartupRequest = z.input<typeof PostStartupRequest>;
