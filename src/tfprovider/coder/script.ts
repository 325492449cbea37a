/** `coder_script`: a script the agent runs on start, on stop or on a cron schedule. */
import { randomUUID } from 'node:crypto';
import type { ResourceDef } from '../framework/provider.js';
import { computed, optional, required } from './attrs.js';
import type { CoderMeta } from './provider-config.js';
import { cronWithSeconds, nonNegative } from './validators.js';

export const scriptResource: ResourceDef<CoderMeta> = {
  schema: {
    version: 0,
    block: {
      description: 'A script run by an agent. Several scripts on one agent run in parallel.',
      attributes: {
        agent_id: required('string', 'ID of the agent that runs the script.'),
        display_name: required('string', 'Name shown in logs and the dashboard.'),
        script: required('string', 'The script.'),
        icon: optional('string', 'Icon URL or path.'),
        log_path: optional('string', 'Log file; a relative path is under the agent log directory.'),
        cron: optional('string', 'Schedule with a seconds field, e.g. "0 0 * * * *".', {
          validate: [cronWithSeconds],
        }),
        run_on_start: optional('bool', 'Run when the agent starts.', { default: false }),
        run_on_stop: optional('bool', 'Run when the workspace stops.', { default: false }),
        start_blocks_login: optional('bool', 'Logins wait until the script has finished.', {
          default: false,
        }),
        timeout: optional('number', 'Seconds before the script is killed; 0 = no limit.', {
          default: 0,
          validate: [nonNegative],
        }),
        id: computed('string', 'The script ID.'),
      },
    },
  },

  validate(config, diags) {
    const unknownish = (v: unknown) => v !== null && typeof v === 'object';
    if ([config.run_on_start, config.run_on_stop, config.cron].some(unknownish)) return;
    if (config.run_on_start !== true && config.run_on_stop !== true && config.cron == null) {
      diags.error('Script never runs', 'Set at least one of "run_on_start", "run_on_stop" or "cron".', [
        'script',
      ]);
    }
    if (config.start_blocks_login === true && config.run_on_start !== true) {
      diags.error('Invalid script setting', '"start_blocks_login" needs "run_on_start" to be true.', [
        'start_blocks_login',
      ]);
    }
  },

  create: (planned) => ({ ...planned, id: randomUUID() }),
};
