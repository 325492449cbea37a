/**
 * The API server's container: the authorizing store, services and settings, plus the HTTP request
 * pipeline (request id, route lookup, middleware chain, error translation).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { NotFound } from '../sdk/errors.js';
import { BuildVersionHeader } from '../sdk/headers.js';
import type { Logger } from '../sdk/logger.js';
import { hangarVersion } from '../sdk/version.js';
import type { DeploymentValues } from '../sdk/deployment-options.js';
import { withActor } from '../database/authz/actor-context.js';
import { systemActors } from '../database/authz/actors.js';
import { authzStore } from '../database/authz/authz-store.js';
import type { Store } from '../database/store.js';
import type { Pubsub } from '../database/postgres/pubsub.js';
import { agentMetadataBatcher } from './agent-metadata-batcher.js';
import { agentStatsBatcher } from './agent-stats-batcher.js';
import type { TickBatcher } from './tick-batcher.js';
import type { AgentMetadataValue, AgentStatsReport } from '../database/queries/workspace-agents.js';
import { ApiKeysService } from './api-keys-service.js';
import { writeError } from './httpapi/error-to-response.js';
import type { RequestContext } from './request-context.js';
import { buildRoutes } from './router.js';
import { RouteTable, runChain } from './routes.js';
import { UsersService } from './users-service.js';
import { TemplatesService } from './templates-service.js';
import { TemplateVersionsService } from './template-versions-service.js';
import { JobReaper } from './job-reaper.js';
import { LifecycleExecutor } from './autobuild/lifecycle-executor.js';
import {
  defaultProvisionerdTuning,
  ProvisionerdService,
  type ProvisionerdTuning,
} from './provisionerdserver/provisionerd-service.js';
import { jobHandlers } from './provisionerdserver/job-handlers.js';
import { AgentConnections } from './agent-connections.js';
import { AgentTokenCache } from './agent-token-cache.js';
import { newRelayKey, RelayAuth, relayKeySiteConfig } from './replica-relay-auth.js';
import { ReplicaRelay } from './replica-relay.js';
import { defaultReplicaSyncTuning, ReplicaSync, type ReplicaSyncTuning } from './replica-sync.js';
import { publishWorkspaceEvent } from './workspace-events.js';
import { closeWebSockets, createWebSocketServer, isUpgrade, markUpgrade } from './websocket.js';
import { defaultSiteDir, Site } from './site.js';
import { WorkspacesService } from './workspaces-service.js';
import type { HostnamePattern } from '../sdk/app-url.js';
import { parseRealIpConfig, type RealIpConfig } from './httpmw/real-ip.js';
import { deriveSecretKeys, newMasterSecret, secretKeyConfig, type SecretKeys } from './secret-keys.js';
import { appHostnamePattern, routeWorkspaceApp } from './workspaceapps/workspace-apps.js';

export interface CoderdOptions {
  /** The raw store; Coderd wraps it so handlers only ever see the authorizing one. */
  store: Store;
  /** Cross-process notifications (job wake-ups, log streams, workspace events); hints, never data. */
  pubsub: Pubsub;
  /**
   * True when `pubsub` LISTENs on the store's database (PgPubsub): statements that write a job
   * then NOTIFY themselves instead of a separate publish (ADR 0022).
   */
  pubsubOnStoreDatabase?: boolean;
  logger: Logger;
  values: DeploymentValues;
  accessUrl: URL;
  loginRateLimit?: number;
  /** Hung-job and polling bounds; tests shorten them. */
  provisionerd?: Partial<ProvisionerdTuning>;
  /** The dashboard's build folder (default: the repository's site/dist). */
  siteDir?: string;
  /** Where the other replicas reach this one (`--relay-url`, else the listen address). */
  relayUrl: URL;
  /** Heartbeat bounds; tests shorten them. */
  replicaSync?: Partial<ReplicaSyncTuning>;
}

export class Coderd {
  readonly store: Store;
  readonly pubsub: Pubsub;
  readonly logger: Logger;
  readonly values: DeploymentValues;
  readonly accessUrl: URL;
  readonly users: UsersService;
  readonly apiKeys: ApiKeysService;
  readonly provisionerd: ProvisionerdService;
  readonly templates: TemplatesService;
  readonly templateVersions: TemplateVersionsService;
  readonly jobReaper: JobReaper;
  /** Autostart and autostop (one replica per tick). */
  readonly lifecycle: LifecycleExecutor;
  readonly agentConnections: AgentConnections;
  /** Agent tokens resolved lately, for the agents' frequent reports. */
  readonly agentTokens: AgentTokenCache;
  /** Agent metadata and stats reports, written once a tick for all agents of this replica. */
  readonly metadataBatcher: TickBatcher<AgentMetadataValue>;
  readonly statsBatcher: TickBatcher<AgentStatsReport>;
  readonly workspaces: WorkspacesService;
  /** Which proxies' forwarding headers are believed (--proxy-trusted-*). */
  readonly realIp: RealIpConfig;
  /** The compiled --wildcard-access-url; undefined when subdomain apps are off. */
  readonly appHostnamePattern: HostnamePattern | undefined;
  /** Signing and encryption keys, loaded from the database at start. */
  keys!: SecretKeys;
  /** This replica's membership in the deployment, and its peers. */
  readonly replicas: ReplicaSync;
  readonly relayAuth: RelayAuth;
  private readonly wss = createWebSocketServer();
  deploymentId = '';
  defaultOrganizationId = '';
  private readonly routes: RouteTable;
  private readonly site: Site;

  private constructor(options: CoderdOptions, relayKey: string) {
    this.store = authzStore(options.store);
    const replicaId = randomUUID();
    this.relayAuth = new RelayAuth(relayKey, replicaId);
    const relay = new ReplicaRelay(this.relayAuth);
    this.pubsub = options.pubsub;
    this.logger = options.logger;
    this.values = options.values;
    this.accessUrl = options.accessUrl;
    this.users = new UsersService(this.store, () => this.defaultOrganizationId);
    this.apiKeys = new ApiKeysService(this.store, options.values);
    const hung = options.values.provisionerHungJobTimeoutMs;
    const pending = options.values.provisionerPendingJobTimeoutMs;
    this.provisionerd = new ProvisionerdService(
      this.store,
      this.pubsub,
      this.logger.child({ component: 'provisionerd' }),
      {
        ...defaultProvisionerdTuning,
        hungJobTimeoutMs: hung,
        pendingJobTimeoutMs: pending,
        // A few passes per timeout, so a job fails soon after its bound; at most every 15 s.
        reaperIntervalMs: Math.max(250, Math.min(15_000, Math.min(hung, pending) / 4)),
        ...options.provisionerd,
      },
      options.pubsubOnStoreDatabase ?? false,
    );
    this.provisionerd.handlers = jobHandlers({
      store: this.store,
      pubsub: this.pubsub,
      logger: this.logger.child({ component: 'provisioner-jobs' }),
      accessUrl: this.accessUrl,
    });
    this.templates = new TemplatesService(this.store);
    this.templateVersions = new TemplateVersionsService(this.store, this.provisionerd);
    this.replicas = new ReplicaSync(
      this.store,
      this.pubsub,
      this.logger.child({ component: 'replicas' }),
      {
        id: replicaId,
        hostname: hostname(),
        relayAddress: options.relayUrl.toString(),
        regionId: options.values.regionId,
        version: hangarVersion,
      },
      (peer) => relay.probe(peer),
      { ...defaultReplicaSyncTuning, ...options.replicaSync },
    );
    this.agentConnections = new AgentConnections(
      this.store,
      this.pubsub,
      this.logger.child({ component: 'agents' }),
      (id) => publishWorkspaceEvent(this.pubsub, this.logger, id),
      {
        id: replicaId,
        peer: (id) => this.replicas.peer(id),
        dial: (peer, agentId, target) => relay.dial(peer, agentId, target),
      },
      options.values.agentInactiveDisconnectTimeoutMs,
    );
    this.agentTokens = new AgentTokenCache(this.store, this.pubsub);
    this.metadataBatcher = agentMetadataBatcher(
      this.store,
      this.pubsub,
      this.logger.child({ component: 'agent-metadata' }),
    );
    this.statsBatcher = agentStatsBatcher(this.store, this.logger.child({ component: 'agent-stats' }));
    this.workspaces = new WorkspacesService(
      this.store,
      this.provisionerd,
      this.pubsub,
      this.logger.child({ component: 'workspaces' }),
    );
    this.jobReaper = new JobReaper(this.provisionerd, this.logger.child({ component: 'job-reaper' }));
    this.lifecycle = new LifecycleExecutor(
      this.store,
      this.workspaces,
      this.logger.child({ component: 'autobuild' }),
      options.values.autobuildPollIntervalMs,
    );
    this.routes = new RouteTable(buildRoutes({ loginRateLimit: options.loginRateLimit ?? 60 }));
    this.site = Site.load(options.siteDir ?? defaultSiteDir());
    this.realIp = parseRealIpConfig(options.values.proxyTrustedHeaders, options.values.proxyTrustedOrigins);
    this.appHostnamePattern = appHostnamePattern(options.values.wildcardAccessUrl);
  }

  static async create(options: CoderdOptions): Promise<Coderd> {
    // The relay key is shared through the database: the first replica to start creates it.
    const relayKey = await withActor(systemActors.bootstrap, () =>
      authzStore(options.store).insertSiteConfigIfAbsent(relayKeySiteConfig, newRelayKey()),
    );
    const api = new Coderd(options, relayKey);
    // Start-up bootstrap: the deployment id and the default organization exist before any request.
    await withActor(systemActors.bootstrap, async () => {
      api.deploymentId = await api.store.insertSiteConfigIfAbsent('deployment_id', randomUUID());
      api.keys = deriveSecretKeys(
        await api.store.insertSiteConfigIfAbsent(secretKeyConfig, newMasterSecret()),
      );
      let org = await api.store.getDefaultOrganization();
      if (!org) {
        try {
          org = await api.store.insertOrganization({
            id: randomUUID(),
            name: 'default',
            display_name: 'Default',
            is_default: true,
          });
          api.logger.info({ organization: org.name }, 'created the default organization');
        } catch {
          // Another replica created it at the same moment: use theirs.
          org = await api.store.getDefaultOrganization();
        }
      }
      api.defaultOrganizationId = org!.id;
    });
    await api.replicas.start();
    try {
      await api.provisionerd.start();
    } catch (err) {
      // Not serving after all: stop the heartbeat so peers do not route to this replica.
      await Promise.all([api.metadataBatcher.close(), api.statsBatcher.close()]);
      await api.replicas.close();
      throw err;
    }
    api.jobReaper.start();
    api.lifecycle.start();
    return api;
  }

  /**
   * Stops background work (the scheduler, the reaper, job wake-ups) and closes agent and client connections, then
   * records this replica as stopped; the HTTP server is closed by its owner.
   */
  async close(): Promise<void> {
    await this.lifecycle.close();
    await this.jobReaper.close();
    await this.provisionerd.close();
    this.agentConnections.closeAll();
    closeWebSockets(this.wss);
    // Reports already answered are written before the replica leaves.
    await Promise.all([this.metadataBatcher.close(), this.statsBatcher.close()]);
    await this.replicas.close();
  }

  /** The node:http `upgrade` listener: WebSocket requests go through the same route tree. */
  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    markUpgrade(req, socket, head, this.wss);
    const res = new ServerResponse(req);
    res.assignSocket(socket as Socket);
    // Not upgraded (an error response was written): close the connection after it.
    res.on('finish', () => {
      res.detachSocket(socket as Socket);
      socket.end();
    });
    socket.on('error', () => socket.destroy());
    void this.dispatch(req, res);
  };

  /** The node:http request listener. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    void this.dispatch(req, res);
  };

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://hangar.invalid');
    const logger = this.logger.child({ requestId });
    // Workspace apps (app hosts, /@user/… paths) answer with the app's own headers.
    const app = routeWorkspaceApp({ req, url, api: this });
    if (!app) {
      res.setHeader(BuildVersionHeader, hangarVersion);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
    }
    const match = app ? undefined : this.routes.find(req.method ?? 'GET', url.pathname);
    const ctx: RequestContext = { req, res, url, params: match?.params ?? {}, requestId, logger, api: this };
    try {
      if (app) {
        await app(ctx);
        return;
      }
      if (!match && !isUpgrade(ctx) && this.site.handles(req.method ?? 'GET', url.pathname)) {
        this.site.serve(req, res, url.pathname);
        return;
      }
      if (!match) throw new NotFound(`Route ${req.method} ${url.pathname} not found.`);
      await runChain(match.route.chain, match.route.handler, ctx);
    } catch (err) {
      writeError(res, err, ctx.logger);
    } finally {
      ctx.logger.debug(
        {
          method: req.method,
          path: url.pathname,
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'request',
      );
    }
  }
}
