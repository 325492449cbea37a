/**
 * Starts the server's built-in daemons: N copies of the same daemon code as external ones, over
 * the in-process transport the server passes in (`startServer({ startBuiltinDaemons })`).
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../sdk/logger.js';
import type { Provisioner } from '../sdk/provisioner.js';
import type { DaemonDialer } from '../sdk/provisionerd-protocol.js';
import { hangarVersion } from '../sdk/version.js';
import { ProvisionerDaemon } from './daemon.js';
import type { RunnerOptions } from './runner.js';

export interface BuiltinDaemonsOptions {
  provisioners: Provisioner[];
  logger: Logger;
  runner?: Partial<RunnerOptions>;
}

export function builtinDaemonStarter(options: BuiltinDaemonsOptions) {
  return (serve: DaemonDialer, count: number) => {
    // Unique per server process, so replicas on one host do not share a daemon row.
    const replica = randomBytes(3).toString('hex');
    const daemons = [...Array(count).keys()].map(
      (i) =>
        new ProvisionerDaemon({
          registration: {
            name: `${hostname()}-${replica}-builtin-${i}`,
            version: hangarVersion,
            provisioners: options.provisioners.map((p) => p.type),
            tags: {},
          },
          dial: serve,
          provisioners: options.provisioners,
          logger: options.logger.child({ daemon: `builtin-${i}` }),
          // In-process updates are cheap: heartbeat every second as Coder's built-in daemons do.
          runner: { heartbeatMs: 1_000, ...options.runner },
        }),
    );
    return {
      daemons,
      async close(graceMs: number) {
        const finished = Promise.all(daemons.map((d) => d.shutdown()));
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          finished.then(() => false),
          new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs))),
        ]);
        clearTimeout(timer);
        // Past the bound: cancel what is still running so each job ends with a clear reason.
        if (timedOut) await Promise.all(daemons.map((d) => d.cancelAndStop()));
      },
    };
  };
}
