/** `data.coder_workspace`: the workspace being built, from the provisioner's environment. */
import { randomUUID } from 'node:crypto';
import type { DataSourceDef } from '../framework/provider.js';
import { computed } from './attrs.js';
import { optionalEnv, requiredEnv } from './env.js';
import type { CoderMeta } from './provider-config.js';

export const workspaceDataSource: DataSourceDef<CoderMeta> = {
  schema: {
    version: 0,
    block: {
      description: 'The workspace being built.',
      attributes: {
        id: computed('string', 'Workspace ID.'),
        name: computed('string', 'Workspace name.'),
        transition: computed('string', '"start", "stop" or "destroy" (a delete build).'),
        start_count: computed('number', '1 when the workspace is starting, else 0; use it as `count`.'),
        template_id: computed('string', 'Template ID.'),
        template_name: computed('string', 'Template name.'),
        template_version: computed('string', 'Template version name.'),
        access_url: computed('string', 'The deployment access URL.'),
        access_port: computed('number', 'Port of the access URL.'),
        is_prebuild: computed('bool', 'The build creates a prebuilt workspace.'),
        prebuild_count: computed('number', '1 for a prebuild, else 0.'),
        is_prebuild_claim: computed('bool', 'The build hands a prebuilt workspace to its owner.'),
      },
    },
  },

  read(_config, { env, meta, diags }) {
    const transition = optionalEnv(env, 'CODER_WORKSPACE_TRANSITION', 'start');
    // Coder's provisioner sends "destroy" for delete builds (coder-behaviour.md §4.2).
    if (transition !== 'start' && transition !== 'stop' && transition !== 'destroy') {
      diags.error(
        'Invalid workspace transition',
        `CODER_WORKSPACE_TRANSITION is ${JSON.stringify(transition)}; expected "start", "stop" or "destroy".`,
      );
    }
    const url = meta.accessUrl;
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    const isPrebuild = env.CODER_WORKSPACE_IS_PREBUILD === 'true';
    return {
      id: optionalEnv(env, 'CODER_WORKSPACE_ID', randomUUID()),
      name: optionalEnv(env, 'CODER_WORKSPACE_NAME', 'default'),
      transition,
      start_count: transition === 'start' ? 1 : 0,
      template_id: requiredEnv(env, 'CODER_WORKSPACE_TEMPLATE_ID', '', diags),
      template_name: requiredEnv(env, 'CODER_WORKSPACE_TEMPLATE_NAME', '', diags),
      template_version: requiredEnv(env, 'CODER_WORKSPACE_TEMPLATE_VERSION', '', diags),
      access_url: url.toString(),
      access_port: port,
      is_prebuild: isPrebuild,
      prebuild_count: isPrebuild ? 1 : 0,
      is_prebuild_claim: env.CODER_WORKSPACE_IS_PREBUILD_CLAIM === 'true',
    };
  },
};
