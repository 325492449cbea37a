// A command run on a real local terminal by util-linux `script`, typed into like a user would:
// `ssh -tt` then sees a TTY on its own side, as in an interactive session.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { shellQuote } from '../../src/sdk/shell-quote.js';

export interface Terminal {
  /** Keys typed into the terminal. */
  type(text: string): void;
  /** Waits until what the terminal showed matches `re`; fails with the screen so far. */
  waitFor(re: RegExp, ms?: number): Promise<void>;
  screen(): string;
  /** The command's exit code (`script -e` passes it on). */
  exited: Promise<number | null>;
  kill(): void;
}

/** Runs `argv` on a terminal of `rows` × `cols`. */
export function startTerminal(
  argv: string[],
  size = { rows: 24, cols: 80 },
  env: NodeJS.ProcessEnv = process.env,
): Terminal {
  const command = `stty rows ${size.rows} cols ${size.cols}; exec ${argv.map(shellQuote).join(' ')}`;
  const child = spawn('script', ['-qefc', command, '/dev/null'], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    type: (text) => void child.stdin.write(text),
    async waitFor(re, ms = 15_000) {
      const until = Date.now() + ms;
      while (!re.test(out)) {
        if (Date.now() > until) throw new Error(`the terminal never showed ${re}; it showed:\n${out}`);
        await sleep(25);
      }
    },
    screen: () => out,
    exited,
    kill: () => void child.kill('SIGKILL'),
  };
}
