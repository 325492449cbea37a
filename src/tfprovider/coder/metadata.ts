/** `coder_metadata`: extra facts shown on another resource in the dashboard. */
import { randomUUID } from 'node:crypto';
import { isObject, Unknown, unknown } from '../cty/value.js';
import type { ResourceDef } from '../framework/provider.js';
import { computed, optional, required } from './attrs.js';
import type { CoderMeta } from './provider-config.js';
import { nonNegative } from './validators.js';

export const metadataResource: ResourceDef<CoderMeta> = {
  schema: {
    version: 0,
    block: {
      description: 'Metadata for the resource named by resource_id.',
      attributes: {
        resource_id: required('string', 'ID of the resource described.'),
        hide: optional('bool', 'Hide the resource in the dashboard.', { default: false }),
        icon: optional('string', 'Icon URL or path.'),
        daily_cost: optional('number', 'Quota cost per day while the resource exists.', {
          validate: [nonNegative],
        }),
        id: computed('string', 'The metadata ID.'),
      },
      blocks: {
        item: {
          nesting: 'list',
          forceNew: true,
          block: {
            attributes: {
              key: required('string', 'Label of the item.'),
              value: optional('string', 'Value of the item.'),
              sensitive: optional('bool', 'Hide the value unless asked.', { default: false }),
              is_null: computed('bool', 'Whether value is null.'),
            },
          },
        },
      },
    },
  },

  validate(config, diags) {
    const seen = new Set<string>();
    (Array.isArray(config.item) ? config.item : []).forEach((item, i) => {
      if (!isObject(item) || typeof item.key !== 'string') return;
      if (seen.has(item.key))
        diags.error('Duplicate metadata item', `The key ${JSON.stringify(item.key)} is used twice.`, [
          'item',
          i,
          'key',
        ]);
      seen.add(item.key);
    });
  },

  // is_null is known as soon as the value is, so plan it instead of leaving it unknown.
  plan(planned) {
    for (const item of Array.isArray(planned.item) ? planned.item : []) {
      if (isObject(item))
        item.is_null = item.value instanceof Unknown ? unknown : (item.value ?? null) === null;
    }
  },

  create: (planned) => ({ ...planned, id: randomUUID() }),
};
