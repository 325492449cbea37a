/**
 * SSH agent forwarding (`ssh -A`): after an `auth-agent-req@openssh.com` request the agent listens
 * on a Unix socket in a private directory, which sessions get as SSH_AUTH_SOCK; each connection to
 * it is carried to the client's ssh-agent over an `auth-agent@openssh.com` channel. One socket per
 * SSH connection, as sshd does, removed when the connection closes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Channel, Connection } from 'ssh2';
import type { Logger } from '../../sdk/logger.js';
import { spliceStreams } from '../../sdk/tunnel/index.js';
import { keepHalfOpen } from './forwarding.js';

type ChannelCallback = ((err: Error | undefined, channel?: Channel) => void) & { type?: string };

/** The parts of ssh2's server connection that open a channel; it has no public call for this type. */
interface Ssh2ConnectionInternals {
  _chanMgr: { add(cb: ChannelCallback): number };
  _protocol: { openssh_authAgent(chan: number, initWindow: number, maxPacket: number): void };
}

// ssh2's MAX_WINDOW and PACKET_SIZE (lib/protocol/constants.js): its CHANNEL_OPEN_CONFIRMATION
// handler assumes every channel it asked for was offered with these.
const maxWindow = 2 * 1024 * 1024;
const packetSize = 32 * 1024;

/** Asks the client to open an `auth-agent@openssh.com` channel, as ssh2's own `forwardOut` does for TCP. */
export function openAuthAgentChannel(client: Connection): Promise<Channel> {
  const internals = client as unknown as Partial<Ssh2ConnectionInternals>;
  if (typeof internals._chanMgr?.add !== 'function' || !internals._protocol?.openssh_authAgent)
    return Promise.reject(new Error('this ssh2 version cannot open agent channels'));
  return new Promise((resolve, reject) => {
    const callback: ChannelCallback = (err, channel) => (err || !channel ? reject(err) : resolve(channel));
    callback.type = 'auth-agent@openssh.com';
    const id = internals._chanMgr!.add(callback);
    if (id === -1) return reject(new Error('no free SSH channels'));
    internals._protocol!.openssh_authAgent(id, maxWindow, packetSize);
  });
}

export class AuthAgentForwarding {
  private listening: Promise<string> | undefined;
  private server: net.Server | undefined;
  private dir: string | undefined;

  constructor(
    private readonly client: Connection,
    private readonly logger: Logger,
  ) {}

  /** Starts the listener on the first request of the connection; resolves with SSH_AUTH_SOCK. */
  listen(): Promise<string> {
    this.listening ??= this.start();
    return this.listening;
  }

  private async start(): Promise<string> {
    // mkdtemp makes the directory 0700: only the workspace user can reach the socket.
    this.dir = await mkdtemp(path.join(os.tmpdir(), 'hangar-auth-agent-'));
    const socketPath = path.join(this.dir, 'agent.sock');
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => {
      socket.on('error', () => {});
      openAuthAgentChannel(this.client).then(
        (channel) => {
          if (socket.destroyed) return channel.close();
          void spliceStreams(socket, keepHalfOpen(channel));
        },
        (err: Error) => {
          this.logger.debug({ err: err.message }, 'the client refused an agent channel');
          socket.destroy();
        },
      );
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
    return socketPath;
  }

  /** Removes the socket (once it exists, if the connection closes while it is being made). */
  close(): void {
    void this.listening
      ?.catch(() => undefined)
      .then(() => {
        this.server?.close();
        if (this.dir) return rm(this.dir, { recursive: true, force: true });
      });
  }
}
