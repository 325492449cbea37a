/**
 * The agent API latency a simulated agent sees: an agent client that times every call into a
 * Metric per endpoint, split into the start-up phase (manifest, start-up, lifecycle while agents
 * are still starting), the steady phase (metadata and logs once every agent runs) and the
 * shutdown (lifecycle reports of every agent at once), because
 * only the steady phase answers "how many agents can one replica carry".
 */
import { AgentClient } from '../../sdk/agent-client.js';
import type { RequestOptions } from '../../sdk/client.js';
import { Metric } from './metrics.js';

export class AgentApiLatency {
  private readonly metrics = new Map<string, Metric>();
  /** Every call of the steady phase, whatever its endpoint: the figure the limits are judged by. */
  readonly steady = new Metric('agent API, steady (all calls)');
  private phase: 'start-up' | 'steady' | 'shutdown' = 'start-up';

  startSteadyPhase(): void {
    this.phase = 'steady';
  }

  /** The shutdown's lifecycle reports come all at once: not part of the steady figure. */
  startShutdownPhase(): void {
    this.phase = 'shutdown';
  }

  metric(method: string, path: string): Metric {
    const name = `agent API, ${this.phase}: ${method} ${path.replace('/workspaceagents/me/', '')}`;
    let m = this.metrics.get(name);
    if (!m) this.metrics.set(name, (m = new Metric(name)));
    return m;
  }

  async time<T>(method: string, path: string, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const endpoint = this.metric(method, path);
    const steady = this.phase === 'steady' ? this.steady : undefined;
    try {
      const value = await fn();
      const ms = performance.now() - started;
      endpoint.add(ms);
      steady?.add(ms);
      return value;
    } catch (err) {
      endpoint.fail(err);
      steady?.fail(err);
      throw err;
    }
  }

  /** One row per endpoint and phase, then the steady total. */
  rows(): Metric[] {
    return [...[...this.metrics.values()].sort((a, b) => a.name.localeCompare(b.name)), this.steady];
  }
}

export class TimedAgentClient extends AgentClient {
  constructor(
    url: URL,
    token: string,
    private readonly latency: AgentApiLatency,
  ) {
    super(url, token);
  }

  override request<T>(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.latency.time(method, path, () => super.request<T>(method, path, body, options));
  }
}
