// A standalone external provisioner daemon for multi-process tests and the benchmark: the same
// code `hangar provisioner start` runs, configured by environment variables.
import { ProvisionerDaemon } from '../../src/provisionerd/daemon.js';
import { websocketDialer } from '../../src/provisionerd/websocket-dialer.js';
import { EchoProvisioner } from '../../src/provisioner/echo/echo-provisioner.js';
import type { Logger } from '../../src/sdk/logger.js';

const logger: Logger = {
  debug: () => {},
  info: (a: unknown, b?: string) =>
    console.error(JSON.stringify({ level: 'info', msg: b ?? a, ...(typeof a === 'object' ? a : {}) })),
  warn: (a: unknown, b?: string) =>
    console.error(JSON.stringify({ level: 'warn', msg: b ?? a, ...(typeof a === 'object' ? a : {}) })),
  error: (a: unknown, b?: string) =>
    console.error(JSON.stringify({ level: 'error', msg: b ?? a, ...(typeof a === 'object' ? a : {}) })),
  child: () => logger,
};

const env = process.env;
const daemon = new ProvisionerDaemon({
  registration: {
    name: env.HANGAR_PROVISIONER_DAEMON_NAME ?? 'external',
    version: 'test',
    provisioners: ['echo'],
    tags: JSON.parse(env.HANGAR_PROVISIONER_TAGS || '{}') as Record<string, string>,
  },
  dial: websocketDialer({
    url: env.HANGAR_URL!,
    organization: 'default',
    key: env.HANGAR_PROVISIONER_DAEMON_KEY || undefined,
    psk: env.HANGAR_PROVISIONER_DAEMON_PSK || undefined,
  }),
  provisioners: [new EchoProvisioner()],
  logger,
  runner: { heartbeatMs: 200, forceCancelMs: 1_000, giveUpAfterMs: 5_000 },
  onFatal: (err) => {
    console.error(`provisioner daemon stopped: ${err.message}`);
    process.exitCode = 2;
  },
});
process.on('SIGTERM', () => void daemon.shutdown());
process.on('SIGINT', () => void daemon.cancelAndStop());
console.error('provisioner daemon started');
await daemon.stopped;
