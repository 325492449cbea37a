/**
 * A process on a pseudo-terminal, for the web terminal: node-pty when the agent can load it (the
 * server's own install), else a small python3 helper using Python's `pty` module, so the agent
 * bundle that a workspace downloads (which cannot carry native modules) still gets real
 * terminals wherever python3 exists. The helper relays stdin/stdout to the terminal, takes
 * resizes as "rows cols" lines on fd 3 (TIOCSWINSZ, so the kernel sends SIGWINCH), passes
 * signals on to the child and exits with the child's status.
 */
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import type { IPtyForkOptions } from 'node-pty';
import { loadPty } from './node-pty.js';

export interface PtyOptions {
  cols: number;
  rows: number;
  cwd: string;
  env: Record<string, string>;
}

export interface Pty {
  readonly pid: number;
  onData(cb: (data: Buffer) => void): void;
  onExit(cb: (e: { exitCode: number; signal?: number }) => void): void;
  write(data: string | Buffer): void;
  resize(cols: number, rows: number): void;
  kill(signal?: NodeJS.Signals): void;
  pause(): void;
  resume(): void;
}

const helper = String.raw`
import fcntl, json, os, pty, select, signal, struct, sys, termios
argv = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    try:
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
def size(rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
size(int(sys.argv[2]), int(sys.argv[3]))
for s in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
    signal.signal(s, lambda n, _f: os.kill(pid, n))
inputs, pending = [0, fd, 3], b""
while True:
    ready, _, _ = select.select(inputs, [], [])
    if fd in ready:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        if not data:
            break
        os.write(1, data)
    if 0 in ready:
        data = os.read(0, 65536)
        if data:
            os.write(fd, data)
        else:
            inputs.remove(0)
    if 3 in ready:
        data = os.read(3, 4096)
        if not data:
            inputs.remove(3)
        pending += data
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            rows, cols = line.split()
            size(int(rows), int(cols))
_, status = os.waitpid(pid, 0)
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
`;

async function pythonPty(file: string, args: string[], o: PtyOptions): Promise<Pty> {
  const child = spawn(
    'python3',
    ['-c', helper, JSON.stringify([file, ...args]), String(o.rows), String(o.cols)],
    { cwd: o.cwd, env: o.env, stdio: ['pipe', 'pipe', 'ignore', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err) =>
      reject(new Error(`a terminal needs node-pty or python3 in the workspace (${err.message})`)),
    );
  });
  const [stdin, stdout, control] = [child.stdin!, child.stdout!, child.stdio[3] as Writable];
  for (const s of [stdin, control]) s.on('error', () => {});
  return {
    pid: child.pid ?? 0,
    onData: (cb) => stdout.on('data', cb),
    onExit: (cb) =>
      child.on('close', (code, signal) => cb({ exitCode: code ?? 1, ...(signal ? { signal: 1 } : {}) })),
    write: (data) => void stdin.write(data),
    resize: (cols, rows) => void control.write(`${rows} ${cols}\n`),
    kill: (signal = 'SIGHUP') => void child.kill(signal),
    pause: () => stdout.pause(),
    resume: () => stdout.resume(),
  };
}

/**
 * Starts `file args` on a new terminal; rejects when neither node-pty nor python3 can. `backend`
 * forces one (tests of the fallback).
 */
export async function spawnPty(
  file: string,
  args: string[],
  o: PtyOptions,
  backend?: 'node-pty' | 'python3',
): Promise<Pty> {
  const nodePty = backend === 'python3' ? undefined : await loadPty().catch(() => undefined);
  if (!nodePty) return pythonPty(file, args, o);
  const p = nodePty.spawn(file, args, {
    name: o.env.TERM ?? 'xterm-256color',
    cols: o.cols,
    rows: o.rows,
    cwd: o.cwd,
    env: o.env,
    encoding: null,
  } as IPtyForkOptions);
  return {
    pid: p.pid,
    onData: (cb) => p.onData((d: string | Buffer) => cb(typeof d === 'string' ? Buffer.from(d) : d)),
    onExit: (cb) => p.onExit(cb),
    write: (data) => p.write(data),
    resize: (cols, rows) => p.resize(cols, rows),
    kill: (signal) => p.kill(signal),
    pause: () => p.pause(),
    resume: () => p.resume(),
  };
}
