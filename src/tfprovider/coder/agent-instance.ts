/** `coder_agent_instance`: ties an instance-identity agent to a cloud instance ID by hand. */
import { randomUUID } from 'node:crypto';
import type { ResourceDef } from '../framework/provider.js';
import { computed, required } from './attrs.js';
import type { CoderMeta } from './provider-config.js';

export const agentInstanceResource: ResourceDef<CoderMeta> = {
  schema: {
    version: 0,
    block: {
      description: 'Associates an agent that authenticates by instance identity with its instance.',
      attributes: {
        agent_id: required('string', 'ID of the agent.'),
        instance_id: required('string', 'ID of the cloud instance the agent runs on.'),
        id: computed('string', 'The association ID.'),
      },
    },
  },
  create: (planned) => ({ ...planned, id: randomUUID() }),
};
