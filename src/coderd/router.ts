/**
 * The whole HTTP API in one tree (Coder's coderd.go): which middleware guards which path is visible
 * here and nowhere else.
 */
import * as apiKeys from './api-keys.js';
import * as authn from './authentication.js';
import * as deployment from './deployment.js';
import { requireApiKey } from './httpmw/api-key.js';
import { organizationParam } from './httpmw/organization-param.js';
import { byIp, rateLimit, RateLimiter } from './httpmw/rate-limit.js';
import { userParam } from './httpmw/user-param.js';
import { templateParam, templateVersionParam } from './httpmw/template-param.js';
import * as files from './files.js';
import * as templates from './templates.js';
import * as templateVersions from './template-versions.js';
import * as orgs from './organizations.js';
import * as provisionerDaemons from './provisioner-daemons.js';
import * as provisionerJobs from './provisioner-jobs.js';
import { serveProvisionerDaemon } from './provisionerdserver/serve-websocket.js';
import { RouteGroup, type Route } from './routes.js';
import * as replicas from './replicas.js';
import * as users from './users.js';
import * as agentArtifacts from './agent-artifacts.js';
import { requireReportingAgent, requireWorkspaceAgent } from './httpmw/workspace-agent.js';
import * as workspaceAgents from './workspace-agents.js';
import { workspaceAgentPty } from './workspace-agent-pty.js';
import { workspaceAgentTunnel } from './workspace-agent-tunnel.js';
import { serveAgentDialback } from './agent-dialback.js';
import * as agentLogs from './workspace-agent-logs.js';
import * as agentMetadata from './workspace-agent-metadata.js';
import { getWorkspaceAgentListeningPorts } from './workspace-agent-ports.js';
import * as workspaceBuilds from './workspace-builds.js';
import * as workspaces from './workspaces.js';
import { watchWorkspace } from './workspaces-watch.js';
import { postAppHealth } from './workspace-app-health.js';
import * as portShares from './workspace-port-shares.js';
import * as applications from './workspaceapps/applications.js';

export interface RouterOptions {
  loginRateLimit: number;
}

export function buildRoutes(options: RouterOptions): Route[] {
  const routes: Route[] = [];
  const root = new RouteGroup(routes);
  const loginLimit = rateLimit(new RateLimiter(options.loginRateLimit, 60_000), byIp);

  root.get('/healthz', deployment.healthz);
  root.get('/bin/{file}', agentArtifacts.agentBinary);
  root.group('/api/v2', [], (api) => {
    api.get('/buildinfo', deployment.buildInfo);
    api.get('/users/first', authn.getFirstUser);
    api.post('/users/first', loginLimit, authn.postFirstUser);
    api.post('/users/login', loginLimit, authn.login);
    // Daemons authenticate with a provisioner key, the PSK or a session (checked in the handler).
    api.get('/organizations/{organization}/provisionerdaemons/serve', serveProvisionerDaemon);
    api.get('/init-script/{os}/{arch}', agentArtifacts.initScript);
    // Signs the visitor in on the dashboard (or sends them to) before minting an app key.
    api.get('/applications/auth-redirect', applications.appAuthRedirect);
    // Other replicas of the deployment, authenticated by the shared relay key (ADR 0070).
    api.get('/replicas/relay', replicas.serveReplicaRelay);
    // Routes that read or change the agent's own row authenticate against the database each time.
    api.group('/workspaceagents/me', [requireWorkspaceAgent], (me) => {
      me.get('/manifest', workspaceAgents.getManifest);
      me.post('/report-lifecycle', workspaceAgents.postLifecycle);
      me.post('/startup', workspaceAgents.postStartup);
      me.get('/rpc', workspaceAgents.serveAgentRpc);
      me.get('/dialback', serveAgentDialback);
    });
    // The frequent reports, which need only the agent's ids, through the token cache (ADR 0077).
    api.group('/workspaceagents/me', [requireReportingAgent], (me) => {
      me.post('/report-stats', workspaceAgents.postStats);
      me.patch('/logs', agentLogs.patchWorkspaceAgentLogs);
      me.post('/log-source', agentLogs.postWorkspaceAgentLogSource);
      me.post('/metadata', agentMetadata.postWorkspaceAgentMetadata);
      me.post('/app-health', postAppHealth);
    });

    // Answers (for anyone, naming only the database) when the database is down, else owners only.
    api.get('/debug/health', deployment.reportDatabaseOutage, requireApiKey, deployment.debugHealth);
    api.group('', [requireApiKey], (authed) => {
      authed.post('/users/logout', authn.logout);
      authed.get('/users', users.listUsers);
      authed.post('/users', users.createUser);
      authed.get('/users/roles', users.assignableRoles);
      authed.group('/users/{user}', [userParam], (u) => {
        u.get('', users.getUser);
        u.delete('', users.deleteUser);
        u.put('/status/suspend', users.putUserStatus('suspended'));
        u.put('/status/activate', users.putUserStatus('active'));
        u.put('/password', users.putUserPassword);
        u.get('/roles', users.getUserRoles);
        u.put('/roles', users.putUserRoles);
        u.get('/organizations', orgs.listUserOrganizations);
        u.post('/keys', apiKeys.createSessionKey);
        u.get('/keys/tokens', apiKeys.listTokens);
        u.post('/keys/tokens', apiKeys.createToken);
        u.get('/keys/tokens/tokenconfig', apiKeys.tokenConfig);
        u.get('/keys/tokens/{keyname}', apiKeys.getTokenByName);
        u.get('/keys/{keyid}', apiKeys.getKey);
        u.delete('/keys/{keyid}', apiKeys.deleteKey);
        u.post('/workspaces', workspaces.createWorkspace);
        u.get('/workspace/{workspacename}', workspaces.getWorkspaceByOwnerAndName);
        u.get('/workspace/{workspacename}/builds/{buildnumber}', workspaceBuilds.getWorkspaceBuildByNumber);
      });
      authed.get('/organizations', orgs.listOrganizations);
      authed.group('/organizations/{organization}', [organizationParam], (o) => {
        o.get('', orgs.getOrganization);
        o.get('/members', orgs.listOrganizationMembers);
        o.get('/provisionerdaemons', provisionerDaemons.listProvisionerDaemons);
        o.get('/provisionerkeys', provisionerDaemons.listProvisionerKeys);
        o.post('/provisionerkeys', provisionerDaemons.createProvisionerKey);
        o.delete('/provisionerkeys/{keyname}', provisionerDaemons.deleteProvisionerKey);
        o.get('/provisionerjobs', provisionerJobs.listProvisionerJobs);
        o.post('/provisionerjobs', provisionerJobs.postProvisionerJob);
        o.get('/provisionerjobs/{job}', provisionerJobs.getProvisionerJob);
        o.patch('/provisionerjobs/{job}/cancel', provisionerJobs.cancelProvisionerJob);
        o.post('/templateversions', templateVersions.createTemplateVersion);
        o.post('/templates', templates.createTemplate);
        o.get('/templates', templates.listOrganizationTemplates);
        o.get('/templates/{templatename}', templates.getTemplateByName);
        o.post('/members/{user}/workspaces', userParam, workspaces.createWorkspace);
      });
      authed.post('/files', files.uploadFile);
      authed.get('/files/{fileID}', files.getFile);
      authed.get('/templates', templates.listTemplates);
      authed.group('/templates/{template}', [templateParam], (t) => {
        t.get('', templates.getTemplate);
        t.patch('', templates.patchTemplate);
        t.delete('', templates.deleteTemplate);
        t.get('/versions', templates.listTemplateVersions);
        t.patch('/versions', templates.promoteTemplateVersion);
        t.get('/versions/{templateversionname}', templates.getTemplateVersionByName);
      });
      authed.group('/templateversions/{templateversion}', [templateVersionParam], (v) => {
        v.get('', templateVersions.getTemplateVersion);
        v.patch('', templateVersions.patchTemplateVersion);
        v.patch('/cancel', templateVersions.cancelTemplateVersion);
        v.get('/rich-parameters', templateVersions.templateVersionParameters);
        v.get('/variables', templateVersions.templateVersionVariables);
        v.get('/resources', templateVersions.templateVersionResources);
        v.get('/logs', templateVersions.templateVersionLogs);
        v.post('/dry-run', templateVersions.createDryRun);
        v.get('/dry-run/{jobID}', templateVersions.getDryRun);
        v.get('/dry-run/{jobID}/resources', templateVersions.dryRunResources);
        v.get('/dry-run/{jobID}/logs', templateVersions.dryRunLogs);
        v.patch('/dry-run/{jobID}/cancel', templateVersions.cancelDryRun);
      });
      authed.get('/workspaces', workspaces.listWorkspaces);
      authed.group('/workspaces/{workspace}', [], (w) => {
        w.get('', workspaces.getWorkspace);
        w.patch('', workspaces.patchWorkspace);
        w.put('/ttl', workspaces.putWorkspaceTTL);
        w.put('/autostart', workspaces.putWorkspaceAutostart);
        w.get('/watch', watchWorkspace);
        w.get('/builds', workspaceBuilds.listWorkspaceBuilds);
        w.post('/builds', workspaceBuilds.postWorkspaceBuild);
        w.get('/port-share', portShares.listPortShares);
        w.post('/port-share', portShares.upsertPortShare);
        w.delete('/port-share', portShares.deletePortShare);
      });
      authed.group('/workspacebuilds/{workspacebuild}', [], (b) => {
        b.get('', workspaceBuilds.getWorkspaceBuild);
        b.patch('/cancel', workspaceBuilds.cancelWorkspaceBuild);
        b.get('/logs', workspaceBuilds.workspaceBuildLogs);
        b.get('/parameters', workspaceBuilds.workspaceBuildParameters);
        b.get('/resources', workspaceBuilds.workspaceBuildResources);
        b.get('/state', workspaceBuilds.getWorkspaceBuildState);
        b.put('/state', workspaceBuilds.putWorkspaceBuildState);
      });
      authed.get('/provisionerjobs/{job}/logs', provisionerJobs.provisionerJobLogs);
      authed.get('/workspaceagents/{workspaceagent}', workspaceAgents.getWorkspaceAgent);
      authed.get('/workspaceagents/{workspaceagent}/tunnel', workspaceAgentTunnel);
      authed.get('/workspaceagents/{workspaceagent}/logs', agentLogs.getWorkspaceAgentLogs);
      authed.get(
        '/workspaceagents/{workspaceagent}/watch-metadata',
        agentMetadata.watchWorkspaceAgentMetadata,
      );
      authed.get('/workspaceagents/{workspaceagent}/listening-ports', getWorkspaceAgentListeningPorts);
      authed.get('/workspaceagents/{workspaceagent}/pty', workspaceAgentPty);
      authed.get('/replicas', replicas.listReplicas);
      authed.get('/applications/host', applications.getAppHost);
    });
  });
  return routes;
}
