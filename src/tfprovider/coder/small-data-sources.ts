/** The small data sources: `coder_provisioner`, `coder_external_auth`, `coder_workspace_tags`. */
import { randomUUID } from 'node:crypto';
import type { DataSourceDef } from '../framework/provider.js';
import { computed, optional, required } from './attrs.js';
import type { CoderMeta } from './provider-config.js';

const goArch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'armv7', ia32: '386' };
const goOs: Record<string, string> = { win32: 'windows' };

export const provisionerDataSource: DataSourceDef<CoderMeta> = {
  schema: {
    version: 0,
    block: {
      description: 'The machine running Terraform.',
      attributes: {
        id: computed('string', 'A random ID.'),
        os: computed('string', "Its operating system, in Go's naming (linux, darwin, windows)."),
        arch: computed('string', "Its CPU architecture, in Go's naming (amd64, arm64)."),
      },
    },
  },
  read: () => ({
    id: randomUUID(),
    os: goOs[process.platform] ?? process.platform,
    arch: goArch[process.arch] ?? process.arch,
  }),
};

export const externalAuthDataSource: DataSourceDef<CoderMeta> = {
  schema: {
    version: 0,
    block: {
      description: 'An external auth provider (e.g. GitHub) the owner must link before the build.',
      attributes: {
        id: required('string', 'ID of the external auth provider in the deployment config.'),
        optional: optional('bool', 'The workspace can be built without it.'),
        access_token: computed('string', "The owner's access token for the provider.", { sensitive: true }),
      },
    },
  },
  read: (config, { env }) => ({
    ...config,
    access_token: env[`CODER_EXTERNAL_AUTH_ACCESS_TOKEN_${String(config.id)}`] ?? '',
  }),
};

export const workspaceTagsDataSource: DataSourceDef<CoderMeta> = {
  schema: {
    version: 0,
    block: {
      description: "Tags that route the workspace's builds to matching provisioners.",
      attributes: {
        id: computed('string', 'A random ID.'),
        tags: optional(['map', 'string'], 'The tags.'),
      },
    },
  },
  read: (config) => ({ ...config, id: randomUUID() }),
};
