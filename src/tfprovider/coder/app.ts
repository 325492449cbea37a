/** `coder_app`: a web or command app shown for an agent. */
import { randomUUID } from 'node:crypto';
import { isObject } from '../cty/value.js';
import type { ResourceDef } from '../framework/provider.js';
import { computed, optional, required } from './attrs.js';
import type { CoderMeta } from './provider-config.js';
import { nonNegative, oneOf, slug, url } from './validators.js';

export const appResource: ResourceDef<CoderMeta> = {
  schema: {
    version: 0,
    block: {
      description: 'An app reachable through the dashboard, proxied to the agent or run in a terminal.',
      attributes: {
        agent_id: required('string', 'ID of the agent that serves the app.'),
        slug: required('string', 'URL-safe name, unique in the template.', { validate: [slug] }),
        display_name: optional('string', 'Name shown in the dashboard; defaults to the slug.'),
        url: optional(
          'string',
          'URL to proxy, e.g. http://localhost:8080 (or opened directly if external).',
          {
            validate: [url],
          },
        ),
        command: optional('string', 'Command run in a terminal instead of proxying a URL.'),
        external: optional('bool', 'Open the URL on the client instead of proxying it.', { default: false }),
        subdomain: optional('bool', 'Serve the app on its own subdomain.', { default: false }),
        share: optional('string', 'Who may open the app.', {
          default: 'owner',
          validate: [oneOf('owner', 'authenticated', 'public')],
        }),
        icon: optional('string', 'Icon URL or path.'),
        group: optional('string', 'Group shown in the dashboard.'),
        tooltip: optional('string', 'Markdown tooltip.'),
        order: optional('number', 'Position in the dashboard.'),
        hidden: optional('bool', 'Hide the app in the dashboard.', { default: false }),
        open_in: optional('string', 'Where the dashboard opens the app.', {
          default: 'slim-window',
          validate: [oneOf('slim-window', 'tab')],
        }),
        id: computed('string', 'The app ID.'),
      },
      blocks: {
        healthcheck: {
          nesting: 'list',
          maxItems: 1,
          forceNew: true,
          block: {
            description: 'How the agent checks that the app is up.',
            attributes: {
              url: required('string', 'URL the agent polls.', { validate: [url] }),
              interval: required('number', 'Seconds between checks.', { validate: [nonNegative] }),
              threshold: required('number', 'Failed checks before the app is unhealthy.', {
                validate: [nonNegative],
              }),
            },
          },
        },
      },
    },
  },

  validate(config, diags) {
    const set = (v: unknown) => v !== null && v !== undefined;
    if (set(config.command) && set(config.url)) {
      diags.error('Conflicting app settings', 'Set either "command" or "url", not both.', ['command']);
    }
    if (set(config.command) && config.subdomain === true) {
      diags.error('Conflicting app settings', '"subdomain" only applies to URL apps, not to "command".', [
        'subdomain',
      ]);
    }
    if (config.external === true && !set(config.url)) {
      diags.error('Missing URL', 'An external app needs "url".', ['external']);
    }
    const hc = Array.isArray(config.healthcheck) ? config.healthcheck[0] : undefined;
    if (isObject(hc) && config.external === true) {
      diags.error(
        'Conflicting app settings',
        'External apps are not proxied, so they cannot have a healthcheck.',
        ['healthcheck'],
      );
    }
  },

  create: (planned) => ({ ...planned, id: randomUUID() }),
};
