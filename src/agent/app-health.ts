/**
 * App health checks (Coder's agent/apphealth.go, coder-behaviour.md §6.8). Apps with a
 * healthcheck URL, interval and threshold are fetched every `interval` seconds: any answer below
 * 500 makes the app `healthy` at once; failures (5xx, refused, timeout) are counted, and the app
 * turns `unhealthy` on the first failure after `threshold` consecutive ones. The map of healths
 * is sent to coderd at most once a second, and only when something changed. Apps without a
 * healthcheck stay `disabled` (coderd never asks).
 */
import http from 'node:http';
import https from 'node:https';
import type { Logger } from '../sdk/logger.js';
import type { WorkspaceApp, WorkspaceAppHealth } from '../sdk/workspaces.js';

/** Health of the checked apps: never `disabled`, which is for apps without a healthcheck. */
export type AppHealths = Record<string, Exclude<WorkspaceAppHealth, 'disabled'>>;

export interface AppHealthOptions {
  apps: WorkspaceApp[];
  report: (healths: AppHealths) => Promise<void>;
  logger: Logger;
  /** How often changes are sent (Coder: 1 s). */
  reportIntervalMs?: number;
}

/** GET with a deadline; resolves with the status, rejects on connection errors and timeouts. */
function probe(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.get(url, { timeout: timeoutMs, rejectUnauthorized: false, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

export class AppHealthReporter {
  private readonly healths: AppHealths = {};
  private readonly timers: NodeJS.Timeout[] = [];
  private dirty = false;
  private closed = false;

  constructor(private readonly opts: AppHealthOptions) {}

  /** Apps that are checked: a healthcheck URL with a positive interval and threshold. */
  static checked(apps: WorkspaceApp[]): WorkspaceApp[] {
    return apps.filter(
      (a) => a.healthcheck?.url && a.healthcheck.interval > 0 && a.healthcheck.threshold > 0,
    );
  }

  start(): void {
    const apps = AppHealthReporter.checked(this.opts.apps);
    if (apps.length === 0) return;
    for (const app of apps) {
      this.healths[app.id] = app.health === 'disabled' ? 'initializing' : app.health;
      this.watch(app);
    }
    const reporter = setInterval(() => void this.flush(), this.opts.reportIntervalMs ?? 1000);
    reporter.unref();
    this.timers.push(reporter);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
  }

  private watch(app: WorkspaceApp): void {
    const { url, interval, threshold } = app.healthcheck!;
    const intervalMs = interval * 1000;
    let failures = 0;
    let running = false;
    const check = async () => {
      if (running || this.closed) return;
      running = true;
      // The answer must come before the next check is due.
      const ok = await probe(url, Math.max(250, intervalMs - 100)).then(
        (status) => status < 500,
        () => false,
      );
      running = false;
      if (this.closed) return;
      if (ok) {
        failures = 0;
        this.set(app.id, 'healthy');
      } else if (failures < threshold) failures++;
      else this.set(app.id, 'unhealthy');
    };
    const timer = setInterval(() => void check(), intervalMs);
    timer.unref();
    this.timers.push(timer);
  }

  private set(id: string, health: AppHealths[string]): void {
    if (this.healths[id] === health) return;
    this.healths[id] = health;
    this.dirty = true;
  }

  private async flush(): Promise<void> {
    if (!this.dirty || this.closed) return;
    this.dirty = false;
    try {
      await this.opts.report({ ...this.healths });
    } catch (err) {
      // Sent again with the next change or tick.
      this.dirty = true;
      this.opts.logger.warn({ err: (err as Error).message }, 'reporting app health failed');
    }
  }
}
