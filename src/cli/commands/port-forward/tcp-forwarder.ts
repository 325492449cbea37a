/**
 * The local side of `hangar port-forward --tcp`: one listener per mapping; each accepted
 * connection gets its own tunnel stream to the workspace port, spliced with half-close and
 * backpressure kept (sockets are not read until their stream is open, then `pipe` paces both
 * ways). Closing stops the listeners and ends every forwarded connection.
 */
import net from 'node:net';
import { spliceStreams } from '../../../sdk/tunnel/splice.js';
import { CliError } from '../../errors.js';
import { hostPort, type PortMapping } from './port-spec.js';

export type DialRemote = (remotePort: number) => Promise<net.Socket>;

const listenErrors: Record<string, string> = {
  EADDRINUSE: 'the address is already in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'the address is not one of this machine’s',
};

export class TcpForwarder implements AsyncDisposable {
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly dial: DialRemote,
    private readonly warn: (line: string) => void,
  ) {}

  /** Listens for one mapping; a refused address fails with the --tcp value that asked for it. */
  async listen(m: PortMapping): Promise<void> {
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) =>
      this.forward(socket, m),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const why = (err.code && listenErrors[err.code]) ?? err.message;
        reject(
          new CliError(
            `Cannot listen on ${hostPort(m.bindHost, m.localPort)} for --tcp "${m.spec}": ${why}.`,
          ),
        );
      });
      server.listen({ host: m.bindHost, port: m.localPort }, () => resolve());
    });
    server.on('error', (err) =>
      this.warn(`Listener ${hostPort(m.bindHost, m.localPort)} failed: ${err.message}`),
    );
    this.servers.push(server);
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private forward(socket: net.Socket, m: PortMapping): void {
    this.track(socket);
    socket.on('error', () => {});
    this.dial(m.remotePort).then(
      (upstream) => {
        if (socket.destroyed) return upstream.destroy();
        this.track(upstream);
        void spliceStreams(socket, upstream);
      },
      (err: Error) => {
        this.warn(`Could not forward a connection to port ${m.remotePort} in the workspace: ${err.message}`);
        socket.destroy();
      },
    );
  }

  /** Stops listening and ends every forwarded connection. */
  async close(): Promise<void> {
    const closed = this.servers.map((s) => new Promise((r) => s.close(r)));
    for (const s of this.sockets) s.destroy();
    await Promise.all(closed);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
