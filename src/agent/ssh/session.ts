/**
 * One SSH session channel: collects `pty` and `env` requests, then runs a shell, a command or the
 * SFTP subsystem as the agent's user, in the workspace directory, with the agent environment.
 * With a PTY the process runs on a real pseudo-terminal (pty.ts: node-pty, else python3's pty, as
 * the web terminal does); without, on pipes with stdout,
 * stderr and stdin half-close kept apart, so `ssh host cmd < file` and scp behave as with sshd.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ServerChannel, Session } from 'ssh2';
import type { Logger } from '../../sdk/logger.js';
import type { UserInfo } from '../command-env.js';
import { spawnPty } from '../pty.js';

export interface SessionOptions {
  /** The agent environment for a new process (command-env.ts). */
  env: () => Record<string, string>;
  user: UserInfo;
  /** Where sessions start: the template's directory if it exists, else home. */
  workingDir: () => Promise<string>;
  /** The message of the day shown to login shells, if the template sets one. */
  motdFile?: () => string | undefined;
  /** OpenSSH's sftp-server; SFTP is refused with a clear message when it is missing. */
  sftpServerPath?: string;
  logger: Logger;
  /** This connection's agent forwarding (ssh -A); resolves with SSH_AUTH_SOCK. */
  authAgent?: { listen(): Promise<string> };
  /** Forces a terminal backend (tests of the fallback); by default node-pty, else python3. */
  ptyBackend?: 'node-pty' | 'python3';
}

interface PtyRequest {
  term: string;
  cols: number;
  rows: number;
}

/** Environment names a client may set, as sshd's default AcceptEnv (LANG, LC_*) plus TERM-ish ones. */
const acceptedEnv = /^(LANG|LC_[A-Z_]+|TERM|COLORTERM|TZ|GIT_PROTOCOL|VSCODE_[A-Z_]+)$/;

export const defaultSftpServerPaths = [
  '/usr/lib/openssh/sftp-server',
  '/usr/libexec/openssh/sftp-server',
  '/usr/libexec/sftp-server',
];

interface Running {
  resize(cols: number, rows: number): void;
  kill(signal: NodeJS.Signals): void;
}

export function handleSession(session: Session, opts: SessionOptions): void {
  let ptyReq: PtyRequest | undefined;
  const clientEnv: Record<string, string> = {};
  let running: Running | undefined;
  // OpenSSH asks for agent forwarding without waiting for the answer, just before exec or shell.
  let authSock: Promise<string | undefined> = Promise.resolve(undefined);

  session.on('pty', (accept, _reject, info) => {
    ptyReq = { term: info.term || 'xterm-256color', cols: info.cols || 80, rows: info.rows || 24 };
    accept?.();
  });
  session.on('env', (accept, reject, info) => {
    if (!acceptedEnv.test(info.key)) return reject?.();
    clientEnv[info.key] = info.val;
    accept?.();
  });
  session.on('window-change', (accept, _reject, info) => {
    running?.resize(info.cols, info.rows);
    accept?.();
  });
  session.on('signal', (accept, _reject, info) => {
    const name = (info.name.startsWith('SIG') ? info.name : `SIG${info.name}`) as NodeJS.Signals;
    running?.kill(name);
    accept?.();
  });
  session.on('auth-agent', (accept, reject) => {
    if (!opts.authAgent) return reject?.();
    authSock = opts.authAgent.listen().then(
      (sock) => {
        accept?.();
        return sock;
      },
      (err: Error) => {
        opts.logger.warn({ err: err.message }, 'agent forwarding could not start');
        reject?.();
        return undefined;
      },
    );
  });
  session.on('x11', (_accept, reject) => reject?.());

  // Channels are accepted at once: ssh2 ends a session whose request is still unanswered when the
  // client sends EOF (ssh with stdin at /dev/null does). Input arriving before the process is
  // attached waits in the channel's readable buffer.
  const start = (channel: ServerChannel, command: string | undefined, login: boolean) => {
    opts
      .workingDir()
      .then(async (cwd) => {
        const sock = await authSock;
        const env = {
          ...opts.env(),
          ...clientEnv,
          ...(ptyReq ? { TERM: ptyReq.term } : {}),
          ...(sock ? { SSH_AUTH_SOCK: sock } : {}),
        };
        if (ptyReq) running = await runOnPty(channel, opts, ptyReq, command, env, cwd, login);
        else
          running = runOnPipes(
            channel,
            opts.user.shell,
            command === undefined ? ['-l'] : ['-c', command],
            env,
            cwd,
          );
      })
      .catch((err: unknown) => {
        opts.logger.warn({ err: (err as Error).message }, 'starting an ssh session failed');
        channel.stderr.write(`hangar: could not start the session: ${(err as Error).message}\r\n`);
        channel.exit(127);
        channel.end();
      });
  };

  session.on('shell', (accept) => start(accept(), undefined, true));
  session.on('exec', (accept, _reject, info) => start(accept(), info.command, false));
  session.on('subsystem', (accept, reject, info) => {
    const server = info.name === 'sftp' ? (opts.sftpServerPath ?? findSftpServer()) : undefined;
    if (!server) {
      if (info.name === 'sftp')
        opts.logger.warn('sftp requested but no sftp-server is installed in the workspace');
      return reject?.();
    }
    const channel = accept();
    void opts
      .workingDir()
      .then((cwd) => (running = runOnPipes(channel, server, [], opts.env(), cwd, server)));
  });
}

function findSftpServer(): string | undefined {
  return defaultSftpServerPaths.find((p) => existsSync(p));
}

async function runOnPty(
  channel: ServerChannel,
  opts: SessionOptions,
  req: PtyRequest,
  command: string | undefined,
  env: Record<string, string>,
  cwd: string,
  login: boolean,
): Promise<Running> {
  const motd = login ? opts.motdFile?.() : undefined;
  if (motd)
    void readFile(motd, 'utf8')
      .then((text) => channel.write(text.replace(/\r?\n/g, '\r\n')))
      .catch(() => {});
  const proc = await spawnPty(
    opts.user.shell,
    command === undefined ? ['-l'] : ['-c', command],
    { cols: req.cols, rows: req.rows, cwd, env: { ...env, TERM: req.term } },
    opts.ptyBackend,
  );
  proc.onData((data) => {
    // Backpressure: stop reading the terminal while the SSH channel's window is full.
    if (!channel.write(data)) {
      proc.pause();
      channel.once('drain', () => proc.resume());
    }
  });
  channel.on('data', (d: Buffer) => proc.write(d));
  proc.onExit(({ exitCode, signal }) => {
    if (signal) channel.exit(signalName(signal), false, '');
    else channel.exit(exitCode);
    channel.end();
  });
  channel.on('close', () => {
    try {
      proc.kill('SIGHUP');
    } catch {
      // Already gone.
    }
  });
  return {
    resize: (cols, rows) => proc.resize(Math.max(1, cols), Math.max(1, rows)),
    kill: (signal) => proc.kill(signal),
  };
}

function runOnPipes(
  channel: ServerChannel,
  file: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
  argv0?: string,
): Running {
  const child = spawn(file, args, { cwd, env, stdio: 'pipe', argv0 });
  channel.pipe(child.stdin);
  child.stdin.on('error', () => {});
  child.stdout.pipe(channel, { end: false });
  child.stderr.pipe(channel.stderr, { end: false });
  child.on('error', (err) => {
    channel.stderr.write(`hangar: ${err.message}\n`);
    channel.exit(127);
    channel.end();
  });
  // 'close' comes after stdout and stderr are drained, so the exit status follows all output.
  child.on('close', (code, signal) => {
    if (signal) channel.exit(signalName(signal as unknown as number | string), false, '');
    else channel.exit(code ?? 0);
    channel.end();
  });
  channel.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGHUP');
  });
  return { resize: () => {}, kill: (signal) => child.kill(signal) };
}

/** SSH exit-signal names have no SIG prefix. */
function signalName(signal: number | string): string {
  if (typeof signal === 'string') return signal.replace(/^SIG/, '');
  const names: Record<number, string> = { 1: 'HUP', 2: 'INT', 9: 'KILL', 15: 'TERM', 3: 'QUIT', 6: 'ABRT' };
  return names[signal] ?? 'KILL';
}
