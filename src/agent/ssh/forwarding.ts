/**
 * SSH port forwarding inside the workspace: `direct-tcpip` channels (ssh -L, and VS Code's port
 * forwarding) dial from the agent; `tcpip-forward` requests (ssh -R) listen in the workspace and
 * send each connection back to the client. Half-close is kept in both directions.
 */
import net from 'node:net';
import type { AcceptConnection, Connection, RejectConnection, TcpipRequestInfo } from 'ssh2';
import type { Logger } from '../../sdk/logger.js';

function splice(
  a: NodeJS.ReadWriteStream & { destroy(): void },
  b: NodeJS.ReadWriteStream & { destroy(): void },
) {
  a.pipe(b);
  b.pipe(a);
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.on('close', () => b.destroy());
  b.on('close', () => a.destroy());
}

export function handleDirectTcpip(
  accept: AcceptConnection,
  reject: RejectConnection,
  info: TcpipRequestInfo,
  logger: Logger,
): void {
  const socket = net.connect({ host: info.destIP, port: info.destPort, allowHalfOpen: true });
  socket.setNoDelay(true);
  socket.once('error', (err) => {
    logger.debug({ err: err.message, dest: `${info.destIP}:${info.destPort}` }, 'direct-tcpip dial failed');
    reject();
  });
  socket.once('connect', () => {
    socket.removeAllListeners('error');
    splice(socket as never, accept() as never);
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
      const key = `${info.bindAddr}:${info.bindPort}`;
      this.listeners.get(key)?.close();
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
    const server = net.createServer({ allowHalfOpen: true }, (socket) => {
      socket.setNoDelay(true);
      const port = (server.address() as net.AddressInfo).port;
      this.client.forwardOut(
        bindAddr,
        port,
        socket.remoteAddress ?? '',
        socket.remotePort ?? 0,
        (err, channel) => {
          if (err) return socket.destroy();
          splice(socket as never, channel as never);
        },
      );
    });
    server.once('error', (err) => {
      this.logger.debug({ err: err.message, bind: `${host}:${bindPort}` }, 'remote forward listen failed');
      reject?.();
    });
    server.listen(bindPort, host, () => {
      const port = (server.address() as net.AddressInfo).port;
      this.listeners.set(`${bindAddr}:${bindPort === 0 ? port : bindPort}`, server);
      accept?.(bindPort === 0 ? port : undefined);
    });
  }

  closeAll(): void {
    for (const s of this.listeners.values()) s.close();
    this.listeners.clear();
  }
}
