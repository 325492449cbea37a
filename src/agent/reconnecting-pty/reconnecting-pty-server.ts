/**
 * The agent's web-terminal service: serves `pty?reconnect=<uuid>&width=&height=&command=` tunnel
 * streams (coderd opens them for `GET /workspaceagents/{id}/pty`). A new id starts a process
 * (the command through the user's shell, or a login shell); a known id reattaches to the running
 * session and replays its recent output. Sessions live `timeoutMs` (5 minutes, as Coder's
 * `ReconnectingPTYTimeout`) after their last client leaves.
 */
import type { Duplex } from 'node:stream';
import type { Logger } from '../../sdk/logger.js';
import { parseTarget } from '../../sdk/tunnel/index.js';
import { isUuid } from '../../sdk/validation.js';
import type { UserInfo } from '../command-env.js';
import { spawnPty } from '../pty.js';
import { ReconnectingPty } from './reconnecting-pty.js';

export const defaultReconnectingPtyTimeoutMs = 5 * 60_000;
/** Output kept for replay, as Coder's buffered backend. */
const defaultBufferBytes = 64 * 1024;

export interface ReconnectingPtyServerOptions {
  user: UserInfo;
  /** The agent environment for a new process (command-env.ts). */
  env: () => Record<string, string>;
  workingDir: () => Promise<string>;
  logger: Logger;
  timeoutMs?: number;
  bufferBytes?: number;
  /** Forces a terminal backend (tests); by default node-pty, else python3. */
  ptyBackend?: 'node-pty' | 'python3';
}

export interface PtyTarget {
  id: string;
  cols: number;
  rows: number;
  command: string;
}

/** Reads a `pty?…` target; throws with the reason coderd's client will see. */
export function parsePtyTarget(target: string): PtyTarget {
  const { scheme, params } = parseTarget(target);
  if (scheme !== 'pty') throw new Error(`"${scheme}" is not a terminal target`);
  const id = params.get('reconnect') ?? '';
  if (!isUuid(id)) throw new Error('the terminal needs a reconnect id (a UUID)');
  const size = (name: string) => {
    const v = Number(params.get(name) ?? 80);
    if (!Number.isInteger(v) || v < 1 || v > 0xffff) throw new Error(`${name} must be 1 to 65535`);
    return v;
  };
  return { id, cols: size('width'), rows: size('height'), command: params.get('command') ?? '' };
}

export class ReconnectingPtyServer {
  private readonly sessions = new Map<string, Promise<ReconnectingPty>>();
  private closed = false;

  constructor(private readonly opts: ReconnectingPtyServerOptions) {}

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Serves one tunnel stream; rejects (the stream is reset with the reason) if it cannot start. */
  async handle(target: string, stream: Duplex): Promise<void> {
    if (this.closed) throw new Error('the agent is shutting down');
    const t = parsePtyTarget(target);
    let session = this.sessions.get(t.id);
    if (!session) {
      session = this.start(t);
      this.sessions.set(t.id, session);
      session.catch(() => this.sessions.delete(t.id));
    }
    (await session).attach(stream, t.cols, t.rows);
  }

  /** Agent shutdown: hangs up every session. */
  close(): void {
    this.closed = true;
    for (const s of this.sessions.values()) void s.then((p) => p.close()).catch(() => {});
  }

  private async start(t: PtyTarget): Promise<ReconnectingPty> {
    const { shell } = this.opts.user;
    const proc = await spawnPty(
      shell,
      t.command ? ['-c', t.command] : ['-l'],
      {
        cols: t.cols,
        rows: t.rows,
        cwd: await this.opts.workingDir(),
        env: { ...this.opts.env(), TERM: 'xterm-256color' },
      },
      this.opts.ptyBackend,
    );
    this.opts.logger.debug({ id: t.id, pid: proc.pid }, 'terminal session started');
    return new ReconnectingPty(t.id, proc, {
      timeoutMs: this.opts.timeoutMs ?? defaultReconnectingPtyTimeoutMs,
      bufferBytes: this.opts.bufferBytes ?? defaultBufferBytes,
      logger: this.opts.logger,
      onEnd: () => this.sessions.delete(t.id),
    });
  }
}
