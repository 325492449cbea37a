/**
 * The in-process transport of built-in daemons: the daemon calls its DaemonServer directly, with
 * the same protocol types as the WebSocket transport. Built-in daemons serve the default
 * organization with no tags, as Coder's do.
 */
import { Unavailable } from '../../sdk/errors.js';
import type { DaemonConnection, DaemonRegistration } from '../../sdk/provisionerd-protocol.js';
import type { Coderd } from '../coderd.js';

export async function serveInProcess(
  coderd: Coderd,
  registration: DaemonRegistration,
): Promise<DaemonConnection> {
  const server = await coderd.provisionerd.register(registration, coderd.defaultOrganizationId, null);
  let closed = false;
  let onClose!: () => void;
  const closedPromise = new Promise<void>((resolve) => (onClose = resolve));
  const live = <T>(fn: () => Promise<T>): Promise<T> =>
    closed ? Promise.reject(new Unavailable('The in-process provisioner connection is closed.')) : fn();
  return {
    daemonId: server.id,
    closed: closedPromise,
    close() {
      closed = true;
      onClose();
    },
    acquireJob: (signal) => live(() => server.acquireJob(signal)),
    updateJob: (req) => live(() => server.updateJob(req)),
    completeJob: (req) => live(() => server.completeJob(req)),
    failJob: (req) => live(() => server.failJob(req)),
  };
}
