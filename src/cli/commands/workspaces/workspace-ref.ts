/** Workspace references on the command line: `name` (yours) or `owner/name`. */
import type { HangarClient } from '../../../sdk/hangar-client.js';
import type { Workspace } from '../../../sdk/workspaces.js';
import { CliError, ExitCode } from '../../errors.js';

export interface WorkspaceRef {
  owner: string;
  name: string;
}

export function parseWorkspaceRef(text: string): WorkspaceRef {
  const parts = text.split('/');
  if (parts.length > 2 || parts.some((p) => p === '')) {
    throw new CliError(`"${text}" is not a workspace name; use NAME or OWNER/NAME.`, {
      exitCode: ExitCode.usage,
    });
  }
  return parts.length === 2 ? { owner: parts[0]!, name: parts[1]! } : { owner: 'me', name: parts[0]! };
}

export function getWorkspace(client: HangarClient, text: string): Promise<Workspace> {
  const ref = parseWorkspaceRef(text);
  return client.workspaces.getByOwnerAndName(ref.owner, ref.name);
}
