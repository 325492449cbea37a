/** The `coder/coder` provider: Coder's resources and data sources on Hangar's framework. */
import type { ProviderDef } from '../framework/provider.js';
import { agentInstanceResource } from './agent-instance.js';
import { agentResource } from './agent.js';
import { appResource } from './app.js';
import { envResource } from './env-resource.js';
import { metadataResource } from './metadata.js';
import { parameterDataSource } from './parameter.js';
import { configureCoder, providerSchema, type CoderMeta } from './provider-config.js';
import { scriptResource } from './script.js';
import {
  externalAuthDataSource,
  provisionerDataSource,
  workspaceTagsDataSource,
} from './small-data-sources.js';
import { workspaceOwnerDataSource } from './workspace-owner.js';
import { workspaceDataSource } from './workspace.js';

export const coderProvider: ProviderDef<CoderMeta> = {
  name: 'coder',
  schema: providerSchema,
  configure: configureCoder,
  resources: {
    coder_agent: agentResource,
    coder_agent_instance: agentInstanceResource,
    coder_app: appResource,
    coder_env: envResource,
    coder_metadata: metadataResource,
    coder_script: scriptResource,
  },
  dataSources: {
    coder_external_auth: externalAuthDataSource,
    coder_parameter: parameterDataSource,
    coder_provisioner: provisionerDataSource,
    coder_workspace: workspaceDataSource,
    coder_workspace_owner: workspaceOwnerDataSource,
    coder_workspace_tags: workspaceTagsDataSource,
  },
};
