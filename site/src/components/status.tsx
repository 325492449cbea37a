/** Status pills: colour plus text (never colour alone), for workspaces, jobs, agents and apps. */
import type { ProvisionerJobStatus } from '../../../src/sdk/provisioner-jobs.js';
import type {
  WorkspaceAgent,
  WorkspaceAgentLifecycle,
  WorkspaceAppHealth,
  WorkspaceStatus,
} from '../../../src/sdk/workspaces.js';

export type Tone = 'ok' | 'busy' | 'off' | 'bad' | 'warn';

/** A status in colour and words; `data-status` is the label, for tests and styling. */
export function Pill({ tone, label, title }: { tone: Tone; label: string; title?: string }) {
  return (
    <span className={`pill pill-${tone}`} title={title} data-status={label}>
      <span className="pill-dot" aria-hidden="true" />
      {label}
    </span>
  );
}

const workspaceTones: Record<WorkspaceStatus, Tone> = {
  pending: 'busy',
  starting: 'busy',
  running: 'ok',
  stopping: 'busy',
  stopped: 'off',
  failed: 'bad',
  canceling: 'busy',
  canceled: 'warn',
  deleting: 'busy',
  deleted: 'off',
};

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).replaceAll('_', ' ');

export function WorkspaceStatusPill({ status }: { status: WorkspaceStatus }) {
  return <Pill tone={workspaceTones[status]} label={capital(status)} />;
}

const jobTones: Record<ProvisionerJobStatus, Tone> = {
  pending: 'busy',
  running: 'busy',
  succeeded: 'ok',
  canceling: 'busy',
  canceled: 'warn',
  failed: 'bad',
};

export function JobStatusPill({ status }: { status: ProvisionerJobStatus }) {
  return <Pill tone={jobTones[status]} label={capital(status)} />;
}

const lifecycleTones: Record<WorkspaceAgentLifecycle, Tone> = {
  created: 'busy',
  starting: 'busy',
  start_timeout: 'warn',
  start_error: 'bad',
  ready: 'ok',
  shutting_down: 'busy',
  shutdown_timeout: 'warn',
  shutdown_error: 'bad',
  off: 'off',
};

/** The agent's connection, and once connected, how far its startup got. */
export function AgentStatusPill({ agent }: { agent: WorkspaceAgent }) {
  if (agent.status !== 'connected') {
    const tone: Tone = agent.status === 'connecting' ? 'busy' : agent.status === 'timeout' ? 'warn' : 'bad';
    const title =
      agent.status === 'timeout'
        ? `The agent has not connected within ${agent.connection_timeout_seconds} s.`
        : undefined;
    return <Pill tone={tone} label={capital(agent.status)} title={title} />;
  }
  const lifecycle = agent.lifecycle_state;
  return (
    <Pill
      tone={lifecycleTones[lifecycle]}
      label={lifecycle === 'ready' ? 'Connected' : `Connected · ${capital(lifecycle)}`}
    />
  );
}

const healthTones: Record<WorkspaceAppHealth, Tone> = {
  disabled: 'off',
  initializing: 'busy',
  healthy: 'ok',
  unhealthy: 'bad',
};

export function AppHealthDot({ health }: { health: WorkspaceAppHealth }) {
  if (health === 'disabled') return null;
  return (
    <span
      className={`dot dot-${healthTones[health]}`}
      role="img"
      aria-label={health}
      title={capital(health)}
    />
  );
}
