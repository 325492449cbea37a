/**
 * SSH port forwarding inside the workspace: `direct-tcpip` channels (ssh -L, and VS Code's port
 * forwarding) dial from the agent; `tcpip-forward` requests (ssh -R) listen in the workspace and
 * send each connection back to the client. Half-close is kept in both directions.
 */
import net from 'node:net';
import type { AcceptConnection, Channel, Connection, RejectConnection, TcpipRequestInfo } from 'ssh2';
import type { Logger } from '../../sdk/logger.js';
import { spliceStreams } from '../../sdk/tunnel/index.js';

/**
 * ssh2 ends a server-side channel with EOF *and* CLOSE as soon as our writing side finishes
 * (Channel.js `onFinish`, on both 'prefinish' and 'finish'). That suits sessions, but on a
 * forwarded connection the peer then drops whatever it still had to send: a client that sends a
 * request and shuts down its writing side got a truncated or empty answer, and a service that
 * speaks first and half-closes never got the reply. Forwarded channels send only EOF when our
 * side ends, and CLOSE once both directions have ended, as sshd does.
 */
export function keepHalfOpen<T extends Channel>(channel: T): T {
  channel.removeAllListeners('prefinish');
  channel.removeAllListeners('finish');
  let ended = false;
  let finished = false;
  const closeWhenDone = () => {
    if (ended && finished) channel.close();
  };
  channel.once('finish', () => {
    finished = true;
    channel.eof();
    closeWhenDone();
  });
  channel.once('end', () => {
    ended = true;
    closeWhenDone();
  });
  return channel;
}

function spliceChannel(socket: net.Socket, channel: Channel, logger: Logger, what: string): void {
  socket.setNoDelay(true);
  void spliceStreams(socket, keepHalfOpen(channel)).then((err) => {
    if (err) logger.debug({ err: err.message }, `${what} ended with an error`);
  });
}

export function handleDirectTcpip(
  accept: AcceptConnection,
  reject: RejectConnection,
  info: TcpipRequestInfo,
  logger: Logger,
): void {
  const socket = net.connect({ host: info.destIP, port: info.destPort, allowHalfOpen: true });
  socket.once('error', (err) => {
    logger.debug({ err: err.message, dest: `${info.destIP}:${info.destPort}` }, 'direct-tcpip dial failed');
    reject();
  });
  socket.once('connect', () => {
    socket.removeAllListeners('error');
    spliceChannel(socket, accept(), logger, 'direct-tcpip');
  });
}

export class RemoteForwards {
  private readonly listeners = new Map<string, net.Server>();

  constructor(
    private readonly client: Connection,
    private readonly logger: Logger,
  ) {}

  onRequest(
    accept: ((port?: number) => void) | undefined,
    reject: (() => void) | undefined,
    name: string,
    info: { bindAddr: string; bindPort: number },
  ): void {
    if (name === 'tcpip-forward') return this.forward(info.bindAddr, info.bindPort, accept, reject);
    if (name === 'cancel-tcpip-forward') {
      // OpenSSH cancels a port-0 forward by the port it was given, which is how it is keyed.
      const key = `${info.bindAddr}:${info.bindPort}`;
      const server = this.listeners.get(key);
      if (!server) return reject?.();
      // Connections already forwarded stay up, as with sshd; only the listener goes.
      server.close();
      this.listeners.delete(key);
      return accept?.();
    }
    reject?.();
  }

  private forward(
    bindAddr: string,
    bindPort: number,
    accept: ((port?: number) => void) | undefined,
    reject: (() => void) | undefined,
  ): void {
    // "" and "localhost" mean loopback, as sshd's GatewayPorts=no does.
    const host = bindAddr === '' || bindAddr === 'localhost' ? '127.0.0.1' : bindAddr;
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => {
      const port = (server.address() as net.AddressInfo).port;
      // A connection reset while the channel opens must not crash the agent.
      socket.on('error', () => {});
      // The client finds its forward by the address and port it asked for, so echo them back.
      this.client.forwardOut(
        bindAddr,
        port,
        socket.remoteAddress ?? '',
        socket.remotePort ?? 0,
        (err, channel) => {
          if (err) {
            this.logger.debug({ err: err.message, port }, 'the client refused a forwarded connection');
            return socket.destroy();
          }
          if (socket.destroyed) return channel.close();
          spliceChannel(socket, channel, this.logger, 'forwarded-tcpip');
        },
      );
    });
    server.once('error', (err) => {
      this.logger.debug({ err: err.message, bind: `${host}:${bindPort}` }, 'remote forward listen failed');
      reject?.();
    });
    server.listen(bindPort, host, () => {
      const port = (server.address() as net.AddressInfo).port;
      this.listeners.set(`${bindAddr}:${port}`, server);
      accept?.(bindPort === 0 ? port : undefined);
    });
  }

  closeAll(): void {
    for (const s of this.listeners.values()) s.close();
    this.listeners.clear();
  }
}
