/** The `provider "coder"` block: just the deployment URL, from config or CODER_AGENT_URL. */
import type { ObjectValue } from '../cty/value.js';
import type { Diagnostics } from '../framework/diagnostics.js';
import type { Schema } from '../framework/schema.js';
import { optional } from './attrs.js';
import { url } from './validators.js';

export const defaultAccessUrl = 'https://mydeployment.coder.com';

export interface CoderMeta {
  /** The deployment's access URL, as agents reach it. */
  accessUrl: URL;
}

export const providerSchema: Schema = {
  version: 0,
  block: {
    attributes: {
      url: optional('string', 'The URL agents use to reach the deployment. Defaults to $CODER_AGENT_URL.', {
        validate: [url],
      }),
    },
  },
};

export function configureCoder(config: ObjectValue, env: NodeJS.ProcessEnv, diags: Diagnostics): CoderMeta {
  const raw = typeof config.url === 'string' ? config.url : env.CODER_AGENT_URL || defaultAccessUrl;
  try {
    return { accessUrl: new URL(raw) };
  } catch {
    diags.error(
      'Invalid provider URL',
      `${JSON.stringify(raw)} is not a valid URL; set "url" in the provider block or CODER_AGENT_URL.`,
      typeof config.url === 'string' ? ['url'] : undefined,
    );
    return { accessUrl: new URL(defaultAccessUrl) };
  }
}
