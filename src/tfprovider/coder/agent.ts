/** `coder_agent`: the workspace agent, with its token and the bootstrap script that starts it. */
import { randomUUID } from 'node:crypto';
import { isObject, type ObjectValue } from '../cty/value.js';
import type { ResourceDef } from '../framework/provider.js';
import type { NestedBlock } from '../framework/schema.js';
import { computed, optional, required } from './attrs.js';
import { agentScriptEnv, runningAgentTokenEnv } from './env.js';
import type { CoderMeta } from './provider-config.js';
import { nonNegative, oneOf, url } from './validators.js';

const flag = (def: boolean, what: string) => optional('bool', what, { default: def });

const displayApps: NestedBlock = {
  nesting: 'list',
  maxItems: 1,
  forceNew: true,
  block: {
    description: 'The built-in apps shown for this agent.',
    attributes: {
      vscode: flag(true, 'VS Code Desktop.'),
      vscode_insiders: flag(false, 'VS Code Insiders.'),
      web_terminal: flag(true, 'The web terminal.'),
      ssh_helper: flag(true, 'The SSH instructions.'),
      port_forwarding_helper: flag(true, 'The port-forwarding helper.'),
    },
  },
};

const metadata: NestedBlock = {
  nesting: 'list',
  forceNew: true,
  block: {
    description: 'Values the agent collects by running a script periodically.',
    attributes: {
      key: required('string', 'Unique key of the item.'),
      display_name: optional('string', 'Label shown in the dashboard.'),
      script: required('string', 'Script whose output is the value.'),
      interval: required('number', 'Seconds between runs.', { validate: [nonNegative] }),
      timeout: optional('number', 'Seconds before a run is cancelled.', { validate: [nonNegative] }),
      order: optional('number', 'Position in the dashboard.'),
    },
  },
};

const threshold = required('number', 'Usage percentage that triggers a notification.');
const resourcesMonitoring: NestedBlock = {
  nesting: 'list',
  maxItems: 1,
  forceNew: true,
  block: {
    attributes: {},
    blocks: {
      memory: {
        nesting: 'list',
        maxItems: 1,
        block: { attributes: { enabled: required('bool', 'Watch memory usage.'), threshold } },
      },
      volume: {
        nesting: 'list',
        block: {
          attributes: {
            path: required('string', 'Mount point to watch.'),
            enabled: required('bool', 'Watch this volume.'),
            threshold,
          },
        },
      },
    },
  },
};

export const agentResource: ResourceDef<CoderMeta> = {
  schema: {
    version: 0,
    block: {
      description: 'A workspace agent: the process that connects a machine to the deployment.',
      attributes: {
        arch: required('string', 'CPU architecture of the machine.', {
          validate: [oneOf('amd64', 'armv7', 'arm64')],
        }),
        os: required('string', 'Operating system of the machine.', {
          validate: [oneOf('linux', 'darwin', 'windows')],
        }),
        auth: optional('string', 'How the agent authenticates.', {
          default: 'token',
          validate: [
            oneOf('token', 'google-instance-identity', 'aws-instance-identity', 'azure-instance-identity'),
          ],
        }),
        api_key_scope: optional('string', 'Scope of the API keys the agent mints.', {
          default: 'all',
          validate: [oneOf('all', 'no_user_data')],
        }),
        connection_timeout: optional(
          'number',
          'Seconds before an agent that has not connected is timed out; 0 = never.',
          {
            default: 120,
            validate: [nonNegative],
          },
        ),
        dir: optional('string', 'Starting directory of SSH sessions.', { deprecated: true }),
        env: optional(['map', 'string'], 'Environment variables for the workspace.'),
        startup_script: optional('string', 'Script run when the agent starts.'),
        startup_script_behavior: optional('string', 'Whether the startup script blocks login.', {
          default: 'non-blocking',
          validate: [oneOf('blocking', 'non-blocking')],
        }),
        shutdown_script: optional('string', 'Script run before the workspace stops.'),
        motd_file: optional('string', 'File shown on SSH login.'),
        troubleshooting_url: optional('string', 'Link shown when the agent has trouble.', {
          validate: [url],
        }),
        order: optional('number', 'Position among the agents of a resource.'),
        id: computed('string', 'The agent ID.'),
        init_script: computed('string', 'Script that downloads and starts the agent on the machine.'),
        token: computed('string', 'Sets CODER_AGENT_TOKEN for the agent.', { sensitive: true }),
      },
      blocks: { display_apps: displayApps, metadata, resources_monitoring: resourcesMonitoring },
    },
  },

  validate(config, diags) {
    const seen = new Set<string>();
    (Array.isArray(config.metadata) ? config.metadata : []).forEach((m, i) => {
      const key = isObject(m) ? m.key : undefined;
      if (typeof key !== 'string') return;
      if (seen.has(key))
        diags.error('Duplicate metadata key', `The key ${JSON.stringify(key)} is used twice.`, [
          'metadata',
          i,
          'key',
        ]);
      seen.add(key);
    });
    const apps = Array.isArray(config.display_apps) ? config.display_apps[0] : undefined;
    if (isObject(apps) && apps.vscode === true && apps.vscode_insiders === true) {
      diags.error('Conflicting display apps', 'Only one of vscode and vscode_insiders can be enabled.', [
        'display_apps',
        0,
        'vscode_insiders',
      ]);
    }
  },

  create(planned, { meta, env }) {
    const id = randomUUID();
    const os = String(planned.os);
    const arch = String(planned.arch);
    const auth = String(planned.auth ?? 'token');
    let initScript = env[agentScriptEnv(os, arch)] ?? '';
    if (initScript) {
      const accessUrl = new URL(meta.accessUrl);
      accessUrl.pathname = '/';
      initScript = initScript
        .replaceAll('${ACCESS_URL}', accessUrl.toString())
        .replaceAll('${AUTH_TYPE}', auth);
    }
    const state: ObjectValue = { ...planned, id, token: randomUUID(), init_script: initScript };
    return state;
  },

  read(state, { env }) {
    // Claiming a prebuilt workspace keeps its running agent: the provisioner hands over that
    // agent's token, keyed by the agent ID already in state.
    const running = typeof state.id === 'string' ? env[runningAgentTokenEnv(state.id)] : undefined;
    return running ? { ...state, token: running } : state;
  },
};
