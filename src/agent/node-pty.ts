/**
 * node-pty is native: loaded on the first PTY session (SSH or web terminal), so an agent whose
 * workspace lacks it (the Node bundle outside the server's install) still starts and serves
 * everything else.
 */
import type * as NodePty from 'node-pty';

let ptyModule: Promise<typeof NodePty> | undefined;

export function loadPty(): Promise<typeof NodePty> {
  return (ptyModule ??= import('node-pty').then((m) => (m as { default?: typeof NodePty }).default ?? m));
}
