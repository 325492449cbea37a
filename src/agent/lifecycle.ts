/**
 * The agent's lifecycle (Coder's setLifecycle / reportLifecycleLoop): states only move forward
 * through `created → starting → ready | start_timeout | start_error → shutting_down → off |
 * shutdown_timeout | shutdown_error`; each one is reported to coderd in order, with the time it
 * happened, retried until coderd has it. When a newer build takes over the running agent (a new
 * agent row with the same token), the states so far are reported again for the new row.
 */
import { agentLifecycleStates } from '../sdk/agent-api.js';
import type { AgentClient } from '../sdk/agent-client.js';
import type { Logger } from '../sdk/logger.js';
import { Coalescer } from '../sdk/coalesce.js';
import { sleep } from '../sdk/sleep.js';
import type { WorkspaceAgentLifecycle } from '../sdk/workspaces.js';

interface Change {
  state: WorkspaceAgentLifecycle;
  changed_at: string;
}

export class LifecycleReporter {
  private readonly changes: Change[] = [];
  private reported = 0;
  private agentId: string | undefined;
  private readonly sender = new Coalescer(() => this.sendAll());
  private readonly closing = new AbortController();

  constructor(
    private readonly client: AgentClient,
    private readonly logger: Logger,
    private readonly maxBackoffMs = 5_000,
  ) {}

  get state(): WorkspaceAgentLifecycle {
    return this.changes.at(-1)?.state ?? 'created';
  }

  /** Moves to `state` unless that would go backwards (e.g. start_error after shutting_down). */
  set(state: WorkspaceAgentLifecycle): boolean {
    if (agentLifecycleStates.indexOf(state) <= agentLifecycleStates.indexOf(this.state)) {
      this.logger.debug({ from: this.state, to: state }, 'ignoring a lifecycle change backwards');
      return false;
    }
    this.changes.push({ state, changed_at: new Date().toISOString() });
    void this.sender.run();
    return true;
  }

  /** The agent row the token now stands for; a different one gets every state again. */
  setAgent(agentId: string): void {
    if (this.agentId !== undefined && this.agentId !== agentId) this.reported = 0;
    this.agentId = agentId;
    void this.sender.run();
  }

  /** Resolves when every state so far is reported, or after `timeoutMs`. */
  flush(timeoutMs = 10_000): Promise<void> {
    return this.sender.runWithin(timeoutMs);
  }

  async close(timeoutMs = 5_000): Promise<void> {
    await this.flush(timeoutMs);
    this.closing.abort();
  }

  private async sendAll(): Promise<void> {
    let attempt = 0;
    while (
      this.agentId !== undefined &&
      this.reported < this.changes.length &&
      !this.closing.signal.aborted
    ) {
      const change = this.changes[this.reported]!;
      try {
        await this.client.postLifecycle(change);
        this.reported++;
        attempt = 0;
      } catch (err) {
        attempt++;
        this.logger.warn(
          { err: (err as Error).message, state: change.state, attempt },
          'reporting the lifecycle failed; retrying',
        );
        await sleep(Math.min(this.maxBackoffMs, 100 * 2 ** attempt), this.closing.signal);
      }
    }
  }
}
