/**
 * One agent on the workspace page: connection and lifecycle, app buttons with health, the web
 * terminal and the SSH command, live metadata, and the startup logs streamed as they are written.
 */
import { useEffect, useState } from 'react';
import type { WorkspaceAgentLog, WorkspaceAgentMetadata } from '../../../src/sdk/workspace-agents.js';
import type { Workspace, WorkspaceAgent } from '../../../src/sdk/workspaces.js';
import { api } from '../api/client.js';
import { openJsonSocket, watchEvents } from '../api/streams.js';
import { CopyableCommand } from '../components/copy-button.js';
import { LogViewer } from '../components/log-viewer.js';
import { AgentStatusPill, AppHealthDot } from '../components/status.js';
import { RelativeTime } from '../components/time.js';
import { appLink, terminalHref } from '../lib/app-url.js';
import { useMe } from '../auth.js';

function useAppsHost(): string {
  const [host, setHost] = useState('');
  useEffect(() => {
    // Servers without subdomain apps answer 404 or an empty host: path apps still work.
    api.apps.appHost().then(setHost, () => setHost(''));
  }, []);
  return host;
}

function AgentApps({ workspace, agent }: { workspace: Workspace; agent: WorkspaceAgent }) {
  const appsHost = useAppsHost();
  const target = { owner: workspace.owner_name, workspace: workspace.name, agent: agent.name };
  const apps = agent.apps.filter((a) => !a.hidden);
  const connected = agent.status === 'connected';
  const showTerminal = agent.display_apps.includes('web_terminal');
  if (apps.length === 0 && !showTerminal) return null;
  return (
    <div className="apps" aria-label={`Apps of ${agent.name}`} role="group">
      {showTerminal && (
        <a
          className={`btn app-button${connected ? '' : ' disabled'}`}
          href={terminalHref(target)}
          target="_blank"
          rel="noreferrer"
          aria-disabled={!connected || undefined}
          onClick={(e) => !connected && e.preventDefault()}
          title={connected ? 'Open a terminal in a new tab' : 'The agent is not connected'}
        >
          <span aria-hidden="true">›_</span> Terminal
        </a>
      )}
      {apps.map((app) => {
        const link = appLink(app, target, appsHost, new URL(window.location.href));
        const label = app.display_name || app.slug;
        if ('disabled' in link)
          return (
            <span key={app.id} className="btn app-button disabled" title={link.disabled} aria-disabled="true">
              {label}
            </span>
          );
        return (
          <a
            key={app.id}
            className="btn app-button"
            href={link.href}
            target="_blank"
            rel="noreferrer"
            data-app={app.slug}
          >
            <AppHealthDot health={app.health} />
            {label}
          </a>
        );
      })}
    </div>
  );
}

function AgentMetadata({ agent }: { agent: WorkspaceAgent }) {
  const [items, setItems] = useState<WorkspaceAgentMetadata[]>();
  const connected = agent.status === 'connected';
  useEffect(() => {
    if (!connected) return;
    return watchEvents<WorkspaceAgentMetadata[]>(api.agents.watchMetadataUrl(agent.id), setItems);
  }, [agent.id, connected]);
  if (!items || items.length === 0) return null;
  return (
    <dl className="metadata" aria-label={`Metadata of ${agent.name}`}>
      {items.map((m) => (
        <div key={m.description.key} className="metadata-item" data-metadata={m.description.key}>
          <dt>{m.description.display_name || m.description.key}</dt>
          <dd title={m.result.error || undefined} className={m.result.error ? 'error-text' : undefined}>
            {m.result.error ? 'Error' : m.result.value || '—'}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function AgentLogs({ agent }: { agent: WorkspaceAgent }) {
  const [logs, setLogs] = useState<WorkspaceAgentLog[]>([]);
  const [problem, setProblem] = useState<string>();
  const sources = new Map(agent.log_sources.map((s) => [s.id, s.display_name]));
  const live = agent.status === 'connected' || agent.status === 'connecting';
  useEffect(() => {
    setLogs([]);
    setProblem(undefined);
    let last = 0;
    const close = openJsonSocket<WorkspaceAgentLog[]>(api.agents.followLogsUrl(agent.id, 0), {
      message(batch) {
        const fresh = batch.filter((l) => l.id > last);
        if (fresh.length === 0) return;
        last = fresh[fresh.length - 1]!.id;
        setLogs((old) => [...old, ...fresh]);
      },
      error: () => setProblem('The startup logs could not be streamed from the server.'),
    });
    return close;
    // Reconnect when the agent (re)connects: a restarted agent writes a new run of logs.
  }, [agent.id, live]);
  return (
    <details className="agent-logs" open={logs.length > 0 && agent.lifecycle_state !== 'ready'}>
      <summary>
        Startup logs{' '}
        {logs.length > 0 && (
          <span className="muted">
            ({logs.length} line{logs.length === 1 ? '' : 's'})
          </span>
        )}
        {agent.logs_overflowed && <span className="tag tag-warn">truncated</span>}
      </summary>
      {problem && logs.length === 0 ? (
        <p className="muted">{problem}</p>
      ) : (
        <LogViewer
          label={`Startup logs of ${agent.name}`}
          empty="The agent has not written any startup output."
          lines={logs.map((l) => ({
            id: l.id,
            time: l.created_at,
            level: l.level,
            stage: sources.get(l.source_id) ?? 'Startup',
            output: l.output,
          }))}
        />
      )}
    </details>
  );
}

export function sshCommand(
  workspace: Workspace,
  agent: WorkspaceAgent,
  agentCount: number,
  me: string,
): string {
  const name = workspace.owner_name === me ? workspace.name : `${workspace.owner_name}/${workspace.name}`;
  return `hangar ssh ${name}${agentCount > 1 ? `.${agent.name}` : ''}`;
}

export function AgentCard({
  workspace,
  agent,
  agentCount,
}: {
  workspace: Workspace;
  agent: WorkspaceAgent;
  agentCount: number;
}) {
  const me = useMe();
  return (
    <section className="agent" aria-label={`Agent ${agent.name}`} data-agent={agent.name}>
      <div className="agent-header">
        <h3>
          <span className="muted">agent</span> {agent.name}
        </h3>
        <AgentStatusPill agent={agent} />
        <span className="muted small">
          {[agent.operating_system, agent.architecture].filter(Boolean).join('/')}
          {agent.version && ` · v${agent.version}`}
          {agent.last_connected_at && (
            <>
              {' · seen '}
              <RelativeTime iso={agent.last_connected_at} />
            </>
          )}
        </span>
      </div>
      {agent.status === 'timeout' && (
        <p className="alert alert-warn">
          The agent has not connected. Check that the workspace can reach this server and that its init script
          ran.
          {agent.troubleshooting_url && (
            <>
              {' '}
              <a href={agent.troubleshooting_url} target="_blank" rel="noreferrer">
                Troubleshooting
              </a>
            </>
          )}
        </p>
      )}
      {(agent.lifecycle_state === 'start_error' || agent.lifecycle_state === 'start_timeout') && (
        <p className="alert alert-warn">
          A startup script {agent.lifecycle_state === 'start_error' ? 'failed' : 'timed out'}; see the startup
          logs.
        </p>
      )}
      <AgentApps workspace={workspace} agent={agent} />
      <CopyableCommand command={sshCommand(workspace, agent, agentCount, me.username)} label="SSH command" />
      <AgentMetadata agent={agent} />
      <AgentLogs agent={agent} />
    </section>
  );
}
