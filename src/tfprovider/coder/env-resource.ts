/** `coder_env`: one environment variable for an agent's sessions. */
import { randomUUID } from 'node:crypto';
import type { ResourceDef } from '../framework/provider.js';
import type { Validator } from '../framework/schema.js';
import { computed, optional, required } from './attrs.js';
import type { CoderMeta } from './provider-config.js';
import { oneOf } from './validators.js';

const envName: Validator = (value, path, diags) => {
  if (typeof value === 'string' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    diags.error(
      'Invalid environment variable name',
      `${JSON.stringify(value)} is not a valid variable name.`,
      path,
    );
  }
};

export const envResource: ResourceDef<CoderMeta> = {
  schema: {
    version: 0,
    block: {
      description: 'An environment variable set in the sessions of an agent.',
      attributes: {
        agent_id: required('string', 'ID of the agent.'),
        name: required('string', 'Variable name.', { validate: [envName] }),
        value: optional('string', 'Variable value.'),
        merge_strategy: optional('string', 'How to combine with another value of the same variable.', {
          default: 'replace',
          validate: [oneOf('replace', 'append', 'prepend', 'error')],
        }),
        id: computed('string', 'The env ID.'),
      },
    },
  },
  create: (planned) => ({ ...planned, id: randomUUID() }),
};
