/**
 * The agent's built-in SSH server (Coder's agent/agentssh): real SSH protocol over any byte
 * stream the tunnel hands it, so OpenSSH (via `hangar ssh --stdio` as ProxyCommand) and VS Code
 * Remote-SSH work. No client authentication: a stream only reaches the agent after coderd
 * authorized the user for `ssh` on this workspace, as Coder treats its tailnet as the boundary.
 * Sessions (PTY or not, shell, exec, SFTP), environment requests, local (-L) and remote (-R)
 * forwarding, and agent forwarding (-A).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { Logger } from '../../sdk/logger.js';
import { sshCiphers } from '../../sdk/ssh-ciphers.js';
import { AuthAgentForwarding } from './auth-agent-forwarding.js';
import { handleDirectTcpip, RemoteForwards } from './forwarding.js';
import { handleSession, type SessionOptions } from './session.js';

export interface SshServerOptions extends SessionOptions {
  /** Where the host key is kept, so clients see the same key across agent restarts. */
  stateDir: string;
  logger: Logger;
}

const parses = (key: string) => !(ssh2.utils.parseKey(key) instanceof Error);

/**
 * Loads the agent's ed25519 host key, creating it on first start. ssh2's generator now and then
 * emits a key its own parser rejects, so a key is kept only once it parses.
 */
export async function loadHostKey(stateDir: string): Promise<string> {
  const file = path.join(stateDir, 'ssh_host_ed25519_key');
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing && parses(existing)) return existing;
  for (let attempt = 0; ; attempt++) {
    const { private: key } = ssh2.utils.generateKeyPairSync('ed25519');
    if (!parses(key) && attempt < 10) continue;
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    await writeFile(file, key, { mode: 0o600 });
    return key;
  }
}

export class AgentSshServer {
  private readonly server: ssh2.Server;
  private readonly connections = new Set<ssh2.Connection>();
  /** Sessions currently open, by kind; reported as activity (and stats) by the agent. */
  readonly sessionCounts = { ssh: 0, vscode: 0 };

  private constructor(
    hostKey: string,
    private readonly opts: SshServerOptions,
  ) {
    this.server = new ssh2.Server(
      { hostKeys: [hostKey], ident: 'Hangar', algorithms: { cipher: [...sshCiphers] } },
      (client) => this.onClient(client),
    );
  }

  static async create(opts: SshServerOptions): Promise<AgentSshServer> {
    return new AgentSshServer(await loadHostKey(opts.stateDir), opts);
  }

  /** Serves one SSH connection on a tunnel stream (or a socket in tests). */
  handle(stream: Duplex): void {
    // A tunnel stream keeps TCP half-close, which SSH has no use for: once the client's side has
    // ended, end ours, as a plain socket would. Otherwise ssh2 keeps the connection (and its
    // sessions, which count as activity) after the client has gone.
    stream.once('end', () => stream.end());
    this.server.injectSocket(stream as never);
  }

  private onClient(client: ssh2.Connection): void {
    const log = this.opts.logger;
    this.connections.add(client);
    const forwards = new RemoteForwards(client, log);
    const authAgent = new AuthAgentForwarding(client, log);
    client.on('authentication', (ctx) => ctx.accept());
    // Sessions still open when the connection ends: ssh2 does not always close them first.
    const openSessions = new Set<() => void>();
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        this.sessionCounts.ssh++;
        const closed = () => {
          if (openSessions.delete(closed)) this.sessionCounts.ssh--;
        };
        openSessions.add(closed);
        session.once('close', closed);
        handleSession(session, { ...this.opts, authAgent });
      });
      client.on('tcpip', (accept, reject, info) => handleDirectTcpip(accept, reject, info, log));
      client.on('request', (accept, reject, name, info) => forwards.onRequest(accept, reject, name, info));
    });
    client.on('error', (err) => log.debug({ err: err.message }, 'ssh connection error'));
    client.on('close', () => {
      for (const closed of [...openSessions]) closed();
      forwards.closeAll();
      authAgent.close();
      this.connections.delete(client);
    });
  }

  /** Ends every connection (agent shutdown). */
  close(): void {
    for (const c of this.connections) c.end();
  }
}
