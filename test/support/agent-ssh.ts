// The agent's SSH server on a loopback port (each accepted socket injected as the tunnel injects
// its streams), and the real OpenSSH client to drive it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { commandEnv, currentUser } from '../../src/agent/command-env.js';
import { AgentSshServer } from '../../src/agent/ssh/ssh-server.js';
import { defaultHostOptions } from '../../src/cli/commands/config-ssh/ssh-config-block.js';
import type { AgentManifest } from '../../src/sdk/agent-api.js';
import { nopLogger } from '../../src/sdk/logger.js';
import { freePort, listen, refused } from './tcp.js';

export const testManifest = {
  agent_id: 'a',
  agent_name: 'main',
  owner_name: 'alice',
  workspace_id: 'w',
  workspace_name: 'dev',
  coder_url: 'http://127.0.0.1:1/',
  environment_variables: { GREETING: 'hello from $CODER_WORKSPACE_NAME' },
  directory: '',
  motd_file: '',
  apps: [],
  scripts: [],
  metadata: [],
} satisfies AgentManifest;

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runProcess(
  cmd: string,
  args: string[],
  input?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: 'pipe', env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    p.stdin.end(input ?? '');
  });
}

export interface AgentSsh extends AsyncDisposable {
  /** The session's working directory, also a scratch directory for the test. */
  dir: string;
  port: number;
  /** OpenSSH options that reach this server without prompts or known_hosts churn. */
  sshOpts(): string[];
  /** `ssh [opts] dev@127.0.0.1 …args`. */
  ssh(args: string[], input?: string, env?: NodeJS.ProcessEnv): Promise<RunResult>;
  /**
   * Runs `ssh -N` with an -L or -R forward from a free port to `targetPort` until the forward is
   * in place, calls `fn` with the listening port, then stops ssh.
   */
  withForward<T>(flag: '-L' | '-R', targetPort: number, fn: (listenPort: number) => Promise<T>): Promise<T>;
}

export async function startAgentSsh(opts: { ptyBackend?: 'node-pty' | 'python3' } = {}): Promise<AgentSsh> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hangar-ssh-'));
  const server = await AgentSshServer.create({
    ...opts,
    stateDir: path.join(dir, 'state'),
    logger: nopLogger,
    user: currentUser(),
    env: () => commandEnv(testManifest, 'token'),
    workingDir: async () => dir,
  });
  const listener = net.createServer((socket) => server.handle(socket));
  const port = await listen(listener);
  // The options config-ssh writes: no host key checks (a test server's key is new each run).
  const sshOpts = () => [
    '-F',
    '/dev/null',
    ...defaultHostOptions.flatMap(([k, v]) => ['-o', `${k}=${v}`]),
    '-o',
    'BatchMode=yes',
    '-p',
    String(port),
  ];

  /** `ssh -v -N` until `ready` shows in its log; undefined when ssh exits first (port taken). */
  async function forwardingSsh(args: string[], ready: RegExp): Promise<ChildProcess | undefined> {
    const p = spawn(
      'ssh',
      [...sshOpts(), '-v', '-o', 'ExitOnForwardFailure=yes', '-N', ...args, 'dev@127.0.0.1'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    const ok = await new Promise<boolean>((resolve) => {
      p.stderr!.on('data', (d) => {
        log += d;
        if (ready.test(log)) resolve(true);
      });
      p.once('exit', () => resolve(false));
    });
    if (ok) return p;
    p.kill();
    return undefined;
  }

  return {
    dir,
    port,
    sshOpts,
    ssh: (args, input, env) => runProcess('ssh', [...sshOpts(), 'dev@127.0.0.1', ...args], input, env),
    async withForward(flag, targetPort, fn) {
      const ready = flag === '-L' ? /Local connections to \S+ forwarded/ : /remote forward success/;
      for (let attempt = 0; ; attempt++) {
        // A port found free may be taken before ssh binds it; ssh then exits and we try another.
        const listenPort = await freePort();
        const p = await forwardingSsh([flag, `${listenPort}:127.0.0.1:${targetPort}`], ready);
        if (!p) {
          if (attempt < 5) continue;
          throw new Error(`ssh ${flag} did not set up its forward`);
        }
        try {
          // ssh logs a local forward just before it listens.
          while (flag === '-L' && (await refused(listenPort))) await new Promise((r) => setTimeout(r, 20));
          return await fn(listenPort);
        } finally {
          p.kill();
        }
      }
    },
    async [Symbol.asyncDispose]() {
      server.close();
      listener.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
