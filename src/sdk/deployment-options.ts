/**
 * Every `hangar server` option, declared once (house style 24): the CLI builds flags and HANGAR_*
 * environment variables from this table, and `/api/v2/deployment/config` reports it.
 */

export type OptionType = 'string' | 'int' | 'bool' | 'duration';

export interface DeploymentOption {
  /** Key in DeploymentValues. */
  key: keyof DeploymentValues;
  flag: string;
  env: string;
  description: string;
  type: OptionType;
  default: string;
  group: 'Networking' | 'Database' | 'Provisioning' | 'Authentication' | 'Logging' | 'Config';
  /** Never shown in the deployment config endpoint or logs. */
  secret?: boolean;
  /** Left out of `--help`: timings tests shorten, as Coder's hidden agent flags. */
  hidden?: boolean;
  /** Durations only: the accepted range in milliseconds. */
  rangeMs?: [number, number];
}

export interface DeploymentValues {
  httpAddress: string;
  accessUrl: string;
  wildcardAccessUrl: string;
  disablePathApps: boolean;
  dangerousAllowPathAppSharing: boolean;
  dangerousAllowPathAppSiteOwnerAccess: boolean;
  /** Comma-separated header names a trusted proxy sets (X-Forwarded-For, X-Forwarded-Host, …). */
  proxyTrustedHeaders: string;
  /** Comma-separated CIDRs of proxies whose trusted headers are believed. */
  proxyTrustedOrigins: string;
  relayUrl: string;
  regionId: number;
  postgresUrl: string;
  cacheDir: string;
  terraformPath: string;
  terraformReleasesUrl: string;
  provisionerDaemons: number;
  provisionerDaemonPsk: string;
  /** Milliseconds: a running job with no update for this long is failed. */
  provisionerHungJobTimeoutMs: number;
  /** Milliseconds: a job no daemon has taken for this long is failed. */
  provisionerPendingJobTimeoutMs: number;
  /** Milliseconds a silent agent connection is kept before the agent counts as disconnected. */
  agentInactiveDisconnectTimeoutMs: number;
  /** Milliseconds between the stats reports agents are told to send. */
  agentStatsRefreshIntervalMs: number;
  /** Milliseconds between lifecycle executor ticks (autostart, autostop). */
  autobuildPollIntervalMs: number;
  /** Milliseconds. */
  sessionDurationMs: number;
  defaultTokenLifetimeMs: number;
  maxTokenLifetimeMs: number;
  secureAuthCookie: boolean;
  logLevel: string;
  logFormat: string;
}

export const serverOptions: DeploymentOption[] = [
  {
    key: 'httpAddress',
    flag: 'http-address',
    env: 'HANGAR_HTTP_ADDRESS',
    type: 'string',
    default: '127.0.0.1:3000',
    group: 'Networking',
    description: 'HTTP bind address of the server (host:port).',
  },
  {
    key: 'accessUrl',
    flag: 'access-url',
    env: 'HANGAR_ACCESS_URL',
    type: 'string',
    default: '',
    group: 'Networking',
    description:
      'The URL users and workspace agents use to reach the server. Defaults to http://<http-address>.',
  },
  {
    key: 'wildcardAccessUrl',
    flag: 'wildcard-access-url',
    env: 'HANGAR_WILDCARD_ACCESS_URL',
    type: 'string',
    default: '',
    group: 'Networking',
    description: 'Wildcard host for subdomain workspace apps and port URLs, e.g. "*.apps.example.com".',
  },
  {
    key: 'disablePathApps',
    flag: 'disable-path-apps',
    env: 'HANGAR_DISABLE_PATH_APPS',
    type: 'bool',
    default: 'false',
    group: 'Networking',
    description:
      "Refuse path-based apps (/@user/workspace/apps/…); they share the dashboard's origin, so a wildcard access URL is safer.",
  },
  {
    key: 'dangerousAllowPathAppSharing',
    flag: 'dangerous-allow-path-app-sharing',
    env: 'HANGAR_DANGEROUS_ALLOW_PATH_APP_SHARING',
    type: 'bool',
    default: 'false',
    group: 'Networking',
    description:
      'Honour "authenticated" and "public" sharing on path-based apps. Dangerous: such an app runs on the dashboard\'s origin with the visitor\'s cookies.',
  },
  {
    key: 'dangerousAllowPathAppSiteOwnerAccess',
    flag: 'dangerous-allow-path-app-site-owner-access',
    env: 'HANGAR_DANGEROUS_ALLOW_PATH_APP_SITE_OWNER_ACCESS',
    type: 'bool',
    default: 'false',
    group: 'Networking',
    description:
      "Let site owners open other users' path-based apps. Dangerous for the same reason as path app sharing.",
  },
  {
    key: 'proxyTrustedHeaders',
    flag: 'proxy-trusted-headers',
    env: 'HANGAR_PROXY_TRUSTED_HEADERS',
    type: 'string',
    default: '',
    group: 'Networking',
    description:
      'Headers a reverse proxy in front of the server sets and that may be believed when the request comes from --proxy-trusted-origins, e.g. "X-Forwarded-For,X-Forwarded-Host,X-Forwarded-Proto".',
  },
  {
    key: 'proxyTrustedOrigins',
    flag: 'proxy-trusted-origins',
    env: 'HANGAR_PROXY_TRUSTED_ORIGINS',
    type: 'string',
    default: '',
    group: 'Networking',
    description: 'Comma-separated CIDRs of the reverse proxies whose --proxy-trusted-headers are believed.',
  },
  {
    key: 'relayUrl',
    flag: 'relay-url',
    env: 'HANGAR_RELAY_URL',
    type: 'string',
    default: '',
    group: 'Networking',
    description:
      'URL at which the other replicas reach this one directly (e.g. http://<pod-ip>:3000), never the load-balanced access URL. Defaults to the listen address.',
  },
  {
    key: 'regionId',
    flag: 'region-id',
    env: 'HANGAR_REGION_ID',
    type: 'int',
    default: '0',
    group: 'Networking',
    description: 'Region number of this replica, shown in the replica list.',
  },
  {
    key: 'postgresUrl',
    flag: 'postgres-url',
    env: 'HANGAR_PG_CONNECTION_URL',
    type: 'string',
    default: '',
    group: 'Database',
    secret: true,
    description:
      'URL of an external PostgreSQL 13+ database. When empty, a bundled PostgreSQL is started under <global-config>/postgres.',
  },
  {
    key: 'cacheDir',
    flag: 'cache-dir',
    env: 'HANGAR_CACHE_DIRECTORY',
    type: 'string',
    default: '',
    group: 'Config',
    description: 'Cache directory for provisioner work and Terraform plugins. Defaults to ~/.cache/hangar.',
  },
  {
    key: 'terraformPath',
    flag: 'terraform-path',
    env: 'HANGAR_TERRAFORM_PATH',
    type: 'string',
    default: '',
    group: 'Provisioning',
    description:
      'Terraform binary for the provisioners (1.1.0 to 1.11.x). Empty: terraform on PATH if its version fits, else 1.11.4 is installed into <cache-dir>/tf.',
  },
  {
    key: 'terraformReleasesUrl',
    flag: 'terraform-releases-url',
    env: 'HANGAR_TERRAFORM_RELEASES_URL',
    type: 'string',
    default: 'https://releases.hashicorp.com',
    group: 'Provisioning',
    description:
      "Where Terraform is downloaded from when it must be installed (HashiCorp's releases site or a mirror of it).",
  },
  {
    key: 'provisionerDaemons',
    flag: 'provisioner-daemons',
    env: 'HANGAR_PROVISIONER_DAEMONS',
    type: 'int',
    default: '3',
    group: 'Provisioning',
    description: 'Number of provisioner daemons to run inside the server (0 disables them).',
  },
  {
    key: 'provisionerDaemonPsk',
    flag: 'provisioner-daemon-psk',
    env: 'HANGAR_PROVISIONER_DAEMON_PSK',
    type: 'string',
    default: '',
    group: 'Provisioning',
    secret: true,
    description:
      'Pre-shared key that external provisioner daemons may authenticate with (provisioner keys are preferred).',
  },
  {
    key: 'provisionerHungJobTimeoutMs',
    flag: 'provisioner-hung-job-timeout',
    env: 'HANGAR_PROVISIONER_HUNG_JOB_TIMEOUT',
    type: 'duration',
    default: '1m',
    group: 'Provisioning',
    description:
      'A running provisioner job with no update from its daemon for this long is failed as hung (Coder: 5m).',
  },
  {
    key: 'provisionerPendingJobTimeoutMs',
    flag: 'provisioner-pending-job-timeout',
    env: 'HANGAR_PROVISIONER_PENDING_JOB_TIMEOUT',
    type: 'duration',
    default: '30m',
    group: 'Provisioning',
    description: 'A provisioner job that no daemon has taken for this long is failed.',
  },
  {
    key: 'agentInactiveDisconnectTimeoutMs',
    flag: 'agent-inactive-disconnect-timeout',
    env: 'HANGAR_AGENT_INACTIVE_DISCONNECT_TIMEOUT',
    type: 'duration',
    default: '30s',
    group: 'Networking',
    hidden: true,
    rangeMs: [2_000, 30_000],
    description:
      'An agent connection silent for this long (no answer to pings sent every half of it) is closed and the agent shown disconnected (Coder: 30s, at least 2s).',
  },
  {
    key: 'agentStatsRefreshIntervalMs',
    flag: 'agent-stats-refresh-interval',
    env: 'HANGAR_AGENT_STATS_REFRESH_INTERVAL',
    type: 'duration',
    default: '30s',
    group: 'Networking',
    hidden: true,
    rangeMs: [100, 3_600_000],
    description: 'How often agents report connection and session statistics (Coder: 30s).',
  },
  {
    key: 'autobuildPollIntervalMs',
    flag: 'autobuild-poll-interval',
    env: 'HANGAR_AUTOBUILD_POLL_INTERVAL',
    type: 'duration',
    default: '1m',
    group: 'Provisioning',
    hidden: true,
    description:
      'How often the scheduler looks for workspaces to start or stop on their schedules (one replica per interval).',
  },
  {
    key: 'sessionDurationMs',
    flag: 'session-duration',
    env: 'HANGAR_SESSION_DURATION',
    type: 'duration',
    default: '24h',
    group: 'Authentication',
    description: 'Lifetime of a login session; refreshed while it is used.',
  },
  {
    key: 'defaultTokenLifetimeMs',
    flag: 'default-token-lifetime',
    env: 'HANGAR_DEFAULT_TOKEN_LIFETIME',
    type: 'duration',
    default: '168h',
    group: 'Authentication',
    description: 'Lifetime of API tokens created without an explicit lifetime.',
  },
  {
    key: 'maxTokenLifetimeMs',
    flag: 'max-token-lifetime',
    env: 'HANGAR_MAX_TOKEN_LIFETIME',
    type: 'duration',
    default: '8760h',
    group: 'Authentication',
    description: 'Longest lifetime a user may request for an API token.',
  },
  {
    key: 'secureAuthCookie',
    flag: 'secure-auth-cookie',
    env: 'HANGAR_SECURE_AUTH_COOKIE',
    type: 'bool',
    default: 'false',
    group: 'Authentication',
    description: 'Mark the session cookie Secure (set when serving over HTTPS).',
  },
  {
    key: 'logLevel',
    flag: 'log-level',
    env: 'HANGAR_LOG_LEVEL',
    type: 'string',
    default: 'info',
    group: 'Logging',
    description: 'Minimum log level: debug, info, warn or error.',
  },
  {
    key: 'logFormat',
    flag: 'log-format',
    env: 'HANGAR_LOG_FORMAT',
    type: 'string',
    default: 'auto',
    group: 'Logging',
    description: 'Log format: json, human, or auto (human on a terminal, JSON otherwise).',
  },
];

/** Parses Go-style durations such as "90s", "1h30m", "168h" into milliseconds. */
export function parseDuration(text: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    total += Number(m[1]) * units[m[2]!]!;
    consumed += m[0].length;
  }
  if (consumed !== text.length || consumed === 0)
    throw new Error(`"${text}" is not a duration (use e.g. 30s, 15m, 24h).`);
  return total;
}

/** Converts the option's text to its typed value, throwing a message that names the flag. */
export function parseOptionValue(option: DeploymentOption, text: string): string | number | boolean {
  switch (option.type) {
    case 'string':
      return text;
    case 'int': {
      const n = Number(text);
      if (!Number.isInteger(n) || n < 0)
        throw new Error(`--${option.flag}: "${text}" is not a non-negative integer.`);
      return n;
    }
    case 'bool':
      if (['true', '1', 'yes'].includes(text.toLowerCase())) return true;
      if (['false', '0', 'no', ''].includes(text.toLowerCase())) return false;
      throw new Error(`--${option.flag}: "${text}" is not a boolean.`);
    case 'duration': {
      let ms: number;
      try {
        ms = parseDuration(text);
      } catch (err) {
        throw new Error(`--${option.flag}: ${(err as Error).message}`, { cause: err });
      }
      const [min, max] = option.rangeMs ?? [0, Infinity];
      if (ms < min || ms > max)
        throw new Error(`--${option.flag}: "${text}" is outside ${min} ms to ${max} ms.`);
      return ms;
    }
  }
}

export function defaultDeploymentValues(): DeploymentValues {
  const out: Record<string, unknown> = {};
  for (const o of serverOptions) out[o.key] = parseOptionValue(o, o.default);
  return out as unknown as DeploymentValues;
}
