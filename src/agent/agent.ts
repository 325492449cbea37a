/**
 * The workspace agent (Coder's agent/agent.go), first slice: it dials out to coderd (nothing
 * listens in the workspace), keeps a control connection open so coderd sees it connected, reports
 * its version and directory, and walks the lifecycle created → starting → ready, and on shutdown
 * shutting_down → off. A dropped connection or a restarted coderd is retried with backoff and
 * jitter; a 401 is retried too, because the agent may start before its build has been recorded.
 */
import os from 'node:os';
import path from 'node:path';
import { stat } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { AgentClient } from '../sdk/agent-client.js';
import type { AgentManifest } from '../sdk/agent-api.js';
import { SessionTokenHeader } from '../sdk/headers.js';
import type { Logger } from '../sdk/logger.js';
import { sleep } from '../sdk/sleep.js';
import { Mux, parseTarget, serveTcpTarget } from '../sdk/tunnel/index.js';
import { hangarVersion } from '../sdk/version.js';
import { commandEnv, currentUser } from './command-env.js';
import { AppHealthReporter } from './app-health.js';
import { ReconnectingPtyServer } from './reconnecting-pty/reconnecting-pty-server.js';
import { AgentSshServer } from './ssh/ssh-server.js';

export interface AgentOptions {
  url: URL;
  token: string;
  logger: Logger;
  /** Where the agent keeps its SSH host key (default ~/.hangar/agent). */
  stateDir?: string;
  /** Longest wait between reconnect attempts. */
  maxBackoffMs?: number;
  /** How long a web terminal outlives its last client (default 5 minutes). */
  reconnectingPtyTimeoutMs?: number;
}

/** `~` and `$HOME` in the template's directory are the agent user's home. */
export function expandDirectory(dir: string): string {
  const home = os.homedir();
  if (!dir) return home;
  const expanded = dir.replace(/^~(?=$|\/)/, home).replace(/\$HOME|\$\{HOME\}/g, home);
  return path.resolve(home, expanded);
}

export class Agent {
  private readonly client: AgentClient;
  private readonly stopping = new AbortController();
  private ws: WebSocket | undefined;
  private manifest: AgentManifest | undefined;
  private loop: Promise<void> | undefined;
  private ssh: Promise<AgentSshServer> | undefined;
  private ptys: ReconnectingPtyServer | undefined;
  private appHealth: AppHealthReporter | undefined;

  constructor(private readonly opts: AgentOptions) {
    this.client = new AgentClient(opts.url, opts.token);
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Resolves once the first manifest has been fetched (tests, and later the services). */
  async ready(timeoutMs = 30_000): Promise<AgentManifest> {
    const until = Date.now() + timeoutMs;
    while (!this.manifest) {
      if (Date.now() > until) throw new Error('the agent did not start in time');
      await sleep(50, this.stopping.signal).catch(() => {});
      if (this.stopping.signal.aborted) throw new Error('the agent is stopping');
    }
    return this.manifest;
  }

  private async run(): Promise<void> {
    const log = this.opts.logger;
    let attempt = 0;
    while (!this.stopping.signal.aborted) {
      try {
        await this.initialize();
        attempt = 0;
        await this.connect();
      } catch (err) {
        if (this.stopping.signal.aborted) break;
        attempt++;
        const code = (err as { code?: string }).code;
        log.warn(
          { err: (err as Error).message, attempt },
          code === 'unauthenticated'
            ? 'coderd does not accept the agent token yet (the build may still be finishing); retrying'
            : 'cannot reach coderd; retrying',
        );
      }
      if (this.stopping.signal.aborted) break;
      // Exponential backoff with full jitter, so many agents do not reconnect in lockstep.
      const cap = Math.min(this.opts.maxBackoffMs ?? 10_000, 250 * 2 ** Math.min(attempt, 10));
      await sleep(Math.random() * cap, this.stopping.signal).catch(() => {});
    }
  }

  private async initialize(): Promise<void> {
    const manifest = await this.client.manifest();
    const expanded = expandDirectory(manifest.directory);
    await this.client.postStartup({ version: hangarVersion, expanded_directory: expanded, subsystems: [] });
    await this.client.postLifecycle({ state: 'starting', changed_at: new Date().toISOString() });
    // Startup scripts come with the agent's services; with none to run the agent is ready at once.
    await this.client.postLifecycle({ state: 'ready', changed_at: new Date().toISOString() });
    this.manifest = manifest;
    this.startAppHealth(manifest);
    this.opts.logger.info(
      { workspace: manifest.workspace_name, agent: manifest.agent_name },
      'agent started',
    );
  }

  /** (Re)starts the app health checks for this manifest's apps. */
  private startAppHealth(manifest: AgentManifest): void {
    this.appHealth?.close();
    this.appHealth = new AppHealthReporter({
      apps: manifest.apps,
      report: (healths) => this.client.postAppHealth({ healths }),
      logger: this.opts.logger.child({ component: 'app-health' }),
    });
    this.appHealth.start();
  }

  /** Holds the control connection open until it drops (resolves) or cannot open (rejects). */
  private connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.client.rpcUrl(), {
        headers: { [SessionTokenHeader]: this.opts.token },
        perMessageDeflate: false,
      });
      this.ws = ws;
      let opened = false;
      ws.on('open', () => {
        opened = true;
        this.opts.logger.info('connected to coderd');
        // coderd opens streams to the agent's services over this socket (ADR 0040).
        new Mux(ws, { side: 'acceptor', logger: this.opts.logger }).onOpen((target, stream) =>
          this.serve(target, stream),
        );
      });
      ws.on('unexpected-response', (_req, res) => {
        const code = res.statusCode === 401 ? 'unauthenticated' : 'unavailable';
        reject(Object.assign(new Error(`coderd answered ${res.statusCode}`), { code }));
        ws.terminate();
      });
      ws.on('error', (err) => {
        if (!opened) reject(err);
      });
      ws.on('close', (code) => {
        this.ws = undefined;
        if (opened) {
          this.opts.logger.info({ code }, 'control connection closed');
          resolve();
        }
      });
    });
  }

  /** One stream coderd opened: the SSH server, the web terminal or a TCP port in the workspace. */
  private async serve(target: string, stream: Duplex): Promise<void> {
    const { scheme } = parseTarget(target);
    if (scheme === 'ssh') {
      (await this.sshServer()).handle(stream);
      return;
    }
    if (scheme === 'pty') return this.ptyServer().handle(target, stream);
    if (scheme === 'tcp') return serveTcpTarget(target, stream);
    throw new Error(`this agent has no "${scheme}" service`);
  }

  /** What user sessions (SSH, web terminal) run with, read at each session: a newer build may bring a new manifest. */
  private sessionContext(manifest: AgentManifest) {
    return {
      user: currentUser(),
      env: () => commandEnv(this.manifest ?? manifest, this.opts.token),
      workingDir: async () => {
        const dir = expandDirectory((this.manifest ?? manifest).directory);
        return (await stat(dir).catch(() => undefined))?.isDirectory() ? dir : os.homedir();
      },
    };
  }

  private sshServer(): Promise<AgentSshServer> {
    const manifest = this.manifest;
    if (!manifest) return Promise.reject(new Error('the agent has not started yet'));
    this.ssh ??= AgentSshServer.create({
      ...this.sessionContext(manifest),
      stateDir: this.opts.stateDir ?? path.join(os.homedir(), '.hangar', 'agent'),
      logger: this.opts.logger.child({ component: 'ssh' }),
      motdFile: () => (this.manifest ?? manifest).motd_file || undefined,
    });
    return this.ssh;
  }

  private ptyServer(): ReconnectingPtyServer {
    const manifest = this.manifest;
    if (!manifest) throw new Error('the agent has not started yet');
    this.ptys ??= new ReconnectingPtyServer({
      ...this.sessionContext(manifest),
      logger: this.opts.logger.child({ component: 'reconnecting-pty' }),
      timeoutMs: this.opts.reconnectingPtyTimeoutMs,
    });
    return this.ptys;
  }

  /** Graceful stop: reports shutting_down then off (best effort), closes the connection. */
  async close(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.stopping.abort();
    if (this.manifest) {
      const report = (state: 'shutting_down' | 'off') =>
        this.client.postLifecycle({ state, changed_at: new Date().toISOString() });
      await report('shutting_down')
        .then(() => report('off'))
        .catch((err: unknown) =>
          this.opts.logger.warn({ err: (err as Error).message }, 'could not report shutdown'),
        );
    }
    this.ws?.close(1000, 'agent shutting down');
    void this.ssh?.then((s) => s.close());
    this.ptys?.close();
    this.appHealth?.close();
    await this.loop;
  }
}
