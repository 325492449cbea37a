/**
 * Follows a provisioner job's logs live (an import or a workspace build) and returns the finished
 * job. The server streams one JSON ProvisionerJobLog per WebSocket frame and closes with 1000 when
 * the job ends; after a dropped connection this reconnects with `after=<last id>` (and skips any
 * id it has already printed), so no line is lost or shown twice.
 */
import WebSocket from 'ws';
import type { HangarClient } from '../../sdk/hangar-client.js';
import { SessionTokenHeader } from '../../sdk/headers.js';
import type { ProvisionerJob, ProvisionerJobLog } from '../../sdk/provisioner-jobs.js';
import { sleep } from '../../sdk/sleep.js';
import { CliError, ExitCode } from '../errors.js';
import { Progress } from './spinner.js';
import { style } from './style.js';

export interface JobSource {
  /** WebSocket URL streaming the logs after `after` until the job ends. */
  followUrl(after: number): URL;
  /** The logs after `after`, read once (to catch up when the job ended while disconnected). */
  logs(after: number): Promise<ProvisionerJobLog[]>;
  job(): Promise<ProvisionerJob>;
}

export interface FollowedJob {
  job: ProvisionerJob;
  /** The last error and warning lines, to repeat with a failure. */
  diagnostics: string[];
  /** Wall-clock milliseconds from the start of following to the end of the job. */
  elapsedMs: number;
}

const maxReconnects = 20;
const keptDiagnostics = 12;

class LogPrinter {
  last = 0;
  readonly diagnostics: string[] = [];
  private readonly stages = new Set<string>();

  constructor(private readonly progress: Progress) {}

  print(log: ProvisionerJobLog): void {
    if (log.id <= this.last) return;
    this.last = log.id;
    const color = this.progress.live;
    if (log.stage && !this.stages.has(log.stage)) {
      this.stages.add(log.stage);
      this.progress.print(`${style.bold(`==> ${log.stage}`, color)}\n`);
      this.progress.set(log.stage);
    }
    if (!log.output) return;
    const paint =
      log.log_level === 'error'
        ? style.red
        : log.log_level === 'warn'
          ? style.yellow
          : log.log_level === 'debug' || log.log_level === 'trace'
            ? style.dim
            : (t: string) => t;
    this.progress.print(`${paint(`    ${log.output}`, color)}\n`);
    if (log.log_level === 'error' || log.log_level === 'warn') {
      this.diagnostics.push(log.output);
      if (this.diagnostics.length > keptDiagnostics) this.diagnostics.shift();
    }
  }
}

/** Streams once; resolves true when the server closed normally (the job ended). */
export function streamOnce(url: URL, token: string | undefined, onLog: (l: ProvisionerJobLog) => void) {
  return new Promise<boolean>((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (token) headers[SessionTokenHeader] = token;
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    ws.on('message', (data) => {
      try {
        onLog(JSON.parse(String(data)) as ProvisionerJobLog);
      } catch {
        // Not a log frame; nothing to show.
      }
    });
    ws.on('close', (code) => resolve(code === 1000));
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      ws.terminate();
      reject(new Error(`The server answered ${res.statusCode} to the log stream.`));
    });
    ws.on('error', () => resolve(false));
  });
}

export async function followJob(
  client: HangarClient,
  source: JobSource,
  title: string,
): Promise<FollowedJob> {
  const started = Date.now();
  using progress = new Progress(title);
  const printer = new LogPrinter(progress);
  const first = await source.job();
  if (first.status === 'pending' && first.queue_position > 0) {
    progress.set(
      `${title}: waiting for a provisioner (${first.queue_position} of ${first.queue_size} queued)`,
    );
  }
  const never = new AbortController().signal;
  for (let attempt = 0; ; attempt++) {
    let ended: boolean;
    try {
      ended = await streamOnce(source.followUrl(printer.last), client.sessionToken, (l) => printer.print(l));
    } catch (err) {
      // An HTTP refusal: the REST call explains it (not found, unauthenticated…) with the right error.
      await source.job();
      throw err;
    }
    if (ended) break;
    const job = await source.job().catch(() => undefined);
    if (job?.completed_at) {
      for (const l of await source.logs(printer.last)) printer.print(l);
      break;
    }
    if (attempt >= maxReconnects) {
      throw new CliError('Lost the connection to the log stream.', {
        exitCode: ExitCode.unavailable,
        hint: 'The job goes on without the CLI; run the command again or check the server.',
      });
    }
    await sleep(Math.min(250 * 2 ** attempt, 3000), never);
  }
  // The stream closes once the job row says it completed; re-read until the row shows it too.
  let job = await source.job();
  for (let i = 0; !job.completed_at && i < 50; i++) {
    await sleep(100, never);
    job = await source.job();
  }
  return { job, diagnostics: printer.diagnostics, elapsedMs: Date.now() - started };
}

/** The error for a job that did not succeed: its message, then the last diagnostics. */
export function jobFailure(what: string, followed: FollowedJob): CliError {
  const { job, diagnostics } = followed;
  if (job.status === 'canceled' || job.status === 'canceling') {
    return new CliError(`${what} was canceled.`);
  }
  const detail = diagnostics.length ? diagnostics.join('\n  ') : undefined;
  return new CliError(`${what} failed: ${job.error || `the job ended ${job.status}`}`, { detail });
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
