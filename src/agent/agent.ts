/**
 * The workspace agent (Coder's agent/agent.go): it dials out to coderd (nothing listens in the
 * workspace), keeps a control connection open so coderd sees it connected and can open streams
 * to its services, reports its version and directory, and runs the template's scripts and
 * metadata (scripts/script-services.ts), which drive the lifecycle. A dropped connection or a
 * restarted coderd is retried with backoff and jitter; a 401 is retried too, because the agent
 * may start before its build has been recorded.
 */
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { AgentClient } from '../sdk/agent-client.js';
import {
  AgentCapabilitiesHeader,
  agentCapabilities,
  agentRpcMethods,
  type AgentManifest,
} from '../sdk/agent-api.js';
import { SessionTokenHeader } from '../sdk/headers.js';
import type { Logger } from '../sdk/logger.js';
import { sleep } from '../sdk/sleep.js';
import { Mux, parseTarget, parseTcpTarget, serveTcpTarget, type RpcHandler } from '../sdk/tunnel/index.js';
import { agentTcpTargetProblem } from '../sdk/workspace-agents.js';
import { hangarVersion } from '../sdk/version.js';
import { serveAgentRpc } from './agent-rpc.js';
import { serveDialback } from './dialback.js';
import { commandEnv, currentUser, expandDirectory, workingDirectory } from './command-env.js';
import { ScriptServices, type ScriptServicesOptions } from './scripts/script-services.js';
import { AppHealthReporter } from './app-health.js';
import { ReconnectingPtyServer } from './reconnecting-pty/reconnecting-pty-server.js';
import { AgentSshServer } from './ssh/ssh-server.js';
import { ByteDeltas, ConnectionCounter, StatsReporter } from './stats-reporter.js';

export { expandDirectory };

export interface AgentOptions {
  url: URL;
  token: string;
  logger: Logger;
  /** Where the agent keeps its SSH host key (default ~/.hangar/agent). */
  stateDir?: string;
  /** Longest wait between reconnect attempts. */
  maxBackoffMs?: number;
  /** Script log files (default <stateDir>/logs; per user, unlike Coder's shared temp dir). */
  logDir?: string;
  /** Where `coder-script-data` goes (default <stateDir>). */
  scriptDataDir?: string;
  /** Shorter script timings for tests. */
  scriptTimings?: Pick<ScriptServicesOptions, 'killGraceMs' | 'pipeWaitMs' | 'metadataReportIntervalMs'>;
  /** How long a web terminal outlives its last client (default 5 minutes). */
  reconnectingPtyTimeoutMs?: number;
  /** The API client to use (scale tests pass one that times every call). */
  client?: AgentClient;
  /** Produces metadata values instead of running the items' scripts (simulated agents). */
  collectMetadata?: ScriptServicesOptions['collectMetadata'];
  /**
   * A control connection on which nothing (not even coderd's ping) arrives for this long is
   * dropped and dialed again (default 45 s: three of coderd's pings, sent at most 15 s apart).
   */
  controlSilenceMs?: number;
  /** An API call that has not finished in this long fails and is retried (default 30 s). */
  apiTimeoutMs?: number;
}

/** Ports and hosts the agent refuses to reach (coderd checked them too; the agent does not rely on it). */
function checkTcpTarget(host: string, port: number): void {
  const problem = agentTcpTargetProblem(host, port);
  if (problem) throw new Error(problem);
}

/** coderd pings every agent at most 15 s apart (AgentConnections): three missed pings. */
const defaultControlSilenceMs = 45_000;

export class Agent {
  private readonly client: AgentClient;
  private readonly stopping = new AbortController();
  private ws: WebSocket | undefined;
  private manifest: AgentManifest | undefined;
  private loop: Promise<void> | undefined;
  private ssh: Promise<AgentSshServer> | undefined;
  private readonly services: ScriptServices;
  private ptys: ReconnectingPtyServer | undefined;
  private appHealth: AppHealthReporter | undefined;
  /** The SSH server once created, for the session counts stats report. */
  private sshReady: AgentSshServer | undefined;
  private readonly connections = new ConnectionCounter();
  private readonly bytes = new ByteDeltas();
  private readonly stats: StatsReporter;
  /** The rpc methods that need this agent's connection to coderd (agent-rpc.ts has the rest). */
  private readonly rpcHandlers: Record<string, RpcHandler> = {
    [agentRpcMethods.dialback]: (params) =>
      serveDialback(params, {
        url: (id) => this.client.dialbackUrl(id),
        token: this.opts.token,
        check: checkTcpTarget,
        onStream: (back) => {
          this.connections.track('tcp', (done) => back.once('close', done));
          this.bytes.addSocket(back);
        },
      }),
  };

  constructor(private readonly opts: AgentOptions) {
    if (opts.client) this.client = opts.client;
    else {
      this.client = new AgentClient(opts.url, opts.token);
      // After a coderd vanished, its pooled keep-alive connections would hang calls for minutes.
      this.client.requestTimeoutMs = opts.apiTimeoutMs ?? 30_000;
    }
    this.stats = new StatsReporter({
      client: this.client,
      logger: opts.logger.child({ component: 'stats' }),
      connections: this.connections,
      bytes: this.bytes,
      sessions: () => ({
        ssh: this.sshReady?.sessionCounts.ssh ?? 0,
        vscode: this.sshReady?.sessionCounts.vscode ?? 0,
        reconnecting_pty: this.ptys?.sessionCount ?? 0,
      }),
    });
    this.services = new ScriptServices({
      client: this.client,
      token: opts.token,
      logger: opts.logger,
      user: currentUser(),
      logDir: opts.logDir ?? path.join(this.stateDir, 'logs'),
      scriptDataDir: opts.scriptDataDir ?? this.stateDir,
      ...opts.scriptTimings,
      collectMetadata: opts.collectMetadata,
    });
  }

  private get stateDir(): string {
    return this.opts.stateDir ?? path.join(os.homedir(), '.hangar', 'agent');
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
    this.manifest = manifest;
    this.services.onManifest(manifest);
    this.startAppHealth(manifest);
    this.stats.start();
    this.opts.logger.info(
      { workspace: manifest.workspace_name, agent: manifest.agent_name },
      'agent started',
    );
  }

  /** Holds the control connection open until it drops (resolves) or cannot open (rejects). */
  private connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.client.rpcUrl(), {
        headers: {
          [SessionTokenHeader]: this.opts.token,
          [AgentCapabilitiesHeader]: agentCapabilities.dialback,
        },
        perMessageDeflate: false,
      });
      this.ws = ws;
      let opened = false;
      // A coderd that vanished without closing TCP (power loss, a partition) sends nothing more;
      // TCP alone would keep this socket for many minutes, so silence ends it and the agent
      // dials again, through the load balancer to a replica that is alive.
      // Each frame only stamps the time (this is the data path); a timer checks the stamp.
      const silenceMs = this.opts.controlSilenceMs ?? defaultControlSilenceMs;
      let lastHeard = Date.now();
      let silence: NodeJS.Timeout | undefined;
      const heard = () => (lastHeard = Date.now());
      const watchSilence = () => {
        silence = setInterval(
          () => {
            if (Date.now() - lastHeard <= silenceMs) return;
            this.opts.logger.warn('coderd has sent nothing, not even a ping, for too long; reconnecting');
            ws.terminate();
          },
          Math.min(1_000, silenceMs / 3),
        );
      };
      ws.on('ping', heard);
      ws.on('message', heard);
      // What the tunnel carried, for the stats report: this socket's byte counters.
      ws.on('upgrade', (res) => {
        const socket = res.socket;
        this.bytes.follow(() => ({ rx: socket.bytesRead, tx: socket.bytesWritten }));
      });
      ws.on('open', () => {
        opened = true;
        heard();
        watchSilence();
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
        clearInterval(silence);
        this.ws = undefined;
        if (opened) {
          this.opts.logger.info({ code }, 'control connection closed');
          resolve();
        }
      });
    });
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

  /** One stream coderd opened: SSH, the web terminal, a TCP port in the workspace, or rpc. */
  private async serve(target: string, stream: Duplex): Promise<void> {
    const { scheme, rest } = parseTarget(target);
    if (scheme === 'rpc') return serveAgentRpc(rest, stream, this.rpcHandlers);
    if (scheme !== 'ssh' && scheme !== 'pty' && scheme !== 'tcp')
      throw new Error(`this agent has no "${scheme}" service`);
    if (scheme === 'tcp') {
      const { host, port } = parseTcpTarget(target);
      checkTcpTarget(host, port);
    }
    // A user's connection, counted in the stats report until its stream closes.
    this.connections.track(scheme, (done) => stream.once('close', done));
    if (scheme === 'ssh') return (await this.sshServer()).handle(stream);
    if (scheme === 'pty') return this.ptyServer().handle(target, stream);
    return serveTcpTarget(target, stream);
  }

  /** What user sessions (SSH, web terminal) run with, read at each session: a newer build may bring a new manifest. */
  private sessionContext(manifest: AgentManifest) {
    return {
      user: currentUser(),
      env: () => commandEnv(this.manifest ?? manifest, this.opts.token),
      workingDir: () => workingDirectory((this.manifest ?? manifest).directory),
    };
  }

  private sshServer(): Promise<AgentSshServer> {
    const manifest = this.manifest;
    if (!manifest) return Promise.reject(new Error('the agent has not started yet'));
    this.ssh ??= AgentSshServer.create({
      ...this.sessionContext(manifest),
      stateDir: this.stateDir,
      logger: this.opts.logger.child({ component: 'ssh' }),
      motdFile: () => (this.manifest ?? manifest).motd_file || undefined,
    }).then((server) => (this.sshReady = server));
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

  /** Graceful stop: shutting_down, the stop scripts, off (reported best effort), then disconnect. */
  async close(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.stopping.abort();
    await this.services.shutdown();
    this.ws?.close(1000, 'agent shutting down');
    void this.ssh?.then((s) => s.close());
    this.ptys?.close();
    this.appHealth?.close();
    await this.stats.close();
    await this.loop;
  }
}
