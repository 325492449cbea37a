/**
 * The agent's statistics (Coder's agent stats reporter): the connections coderd opened to its
 * services, the bytes its control connection carried, and the sessions open now, sent to
 * `POST /workspaceagents/me/report-stats` at once and then on the interval coderd answers with
 * (its --agent-stats-refresh-interval). Open sessions are what coderd counts as use of the
 * workspace. Packet counts stay 0: the tunnel runs over one TCP connection, which has no packets
 * of its own to count (Coder counts WireGuard packets).
 */
import type { AgentClient } from '../sdk/agent-client.js';
import type { PostStatsRequest } from '../sdk/agent-api.js';
import type { Logger } from '../sdk/logger.js';
import { sleep } from '../sdk/sleep.js';

/** Until coderd says otherwise, and after a failed report: Coder's default interval. */
const defaultIntervalMs = 30_000;

export interface SessionCounts {
  ssh: number;
  vscode: number;
  reconnecting_pty: number;
}

/** Counts connections per protocol: each one opened since the last report, plus those still open. */
export class ConnectionCounter {
  private readonly open = new Map<string, number>();
  private readonly since = new Map<string, number>();

  /** Counts a connection of `proto` until `onClose` calls back (on a stream's 'close'). */
  track(proto: string, onClose: (done: () => void) => void): void {
    this.open.set(proto, (this.open.get(proto) ?? 0) + 1);
    this.since.set(proto, (this.since.get(proto) ?? 0) + 1);
    onClose(() => this.open.set(proto, (this.open.get(proto) ?? 1) - 1));
  }

  /** The counts for one report; the period restarts with what is still open. */
  take(): Record<string, number> {
    const out = Object.fromEntries([...this.since].filter(([, n]) => n > 0));
    this.since.clear();
    for (const [proto, n] of this.open) if (n > 0) this.since.set(proto, n);
    return out;
  }
}

/** What ByteDeltas reads of a socket (a net.Socket). */
export interface CountedSocket {
  readonly bytesRead: number;
  readonly bytesWritten: number;
  once(event: 'close', cb: () => void): unknown;
}

/** Byte counters that only grow (a socket's bytesRead, say), reported as deltas. */
export class ByteDeltas {
  private last = { rx: 0, tx: 0 };
  private readonly sockets = new Set<CountedSocket>();
  private base = { rx: 0, tx: 0 };
  private current: (() => { rx: number; tx: number }) | undefined;

  /** A new control connection: its counters start at 0, what the old one carried is kept. */
  follow(counters: () => { rx: number; tx: number }): void {
    const prev = this.current?.() ?? { rx: 0, tx: 0 };
    this.base = { rx: this.base.rx + prev.rx, tx: this.base.tx + prev.tx };
    this.current = counters;
  }

  /**
   * A connection of one stream (a dial-back, ADR 0053): counted while open, and what it carried
   * stays in the total once it closes.
   */
  addSocket(socket: CountedSocket): void {
    this.sockets.add(socket);
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.base = { rx: this.base.rx + socket.bytesRead, tx: this.base.tx + socket.bytesWritten };
    });
  }

  take(): { rx: number; tx: number } {
    const now = { ...(this.current?.() ?? { rx: 0, tx: 0 }) };
    for (const s of this.sockets) {
      now.rx += s.bytesRead;
      now.tx += s.bytesWritten;
    }
    const total = { rx: this.base.rx + now.rx, tx: this.base.tx + now.tx };
    const delta = { rx: total.rx - this.last.rx, tx: total.tx - this.last.tx };
    this.last = total;
    return delta;
  }
}

export interface StatsReporterOptions {
  client: Pick<AgentClient, 'postStats'>;
  logger: Logger;
  connections: ConnectionCounter;
  bytes: ByteDeltas;
  sessions: () => SessionCounts;
}

export class StatsReporter {
  private readonly stop = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly opts: StatsReporterOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  collect(): PostStatsRequest {
    const byProto = this.opts.connections.take();
    const { rx, tx } = this.opts.bytes.take();
    const s = this.opts.sessions();
    return {
      connections_by_proto: byProto,
      connection_count: Object.values(byProto).reduce((a, b) => a + b, 0),
      rx_bytes: rx,
      tx_bytes: tx,
      session_count_ssh: s.ssh,
      session_count_vscode: s.vscode,
      session_count_reconnecting_pty: s.reconnecting_pty,
    };
  }

  private async run(): Promise<void> {
    let intervalMs = defaultIntervalMs;
    while (!this.stop.signal.aborted) {
      try {
        const res = await this.opts.client.postStats(this.collect());
        // report_interval is a Go duration (nanoseconds); 0 means "not now", so keep the default.
        if (res.report_interval > 0) intervalMs = Math.max(100, res.report_interval / 1e6);
      } catch (err) {
        this.opts.logger.debug({ err: (err as Error).message }, 'sending stats failed; retrying later');
      }
      await sleep(intervalMs, this.stop.signal).catch(() => {});
    }
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.loop;
  }
}
