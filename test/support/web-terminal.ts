// A web terminal client as the dashboard's xterm.js would be: a WebSocket to an agent's `pty`
// endpoint, JSON input and resize messages, raw output collected.
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';

export interface Terminal {
  ws: WebSocket;
  /** Everything received so far. */
  output(): string;
  waitFor(re: RegExp, ms?: number): Promise<string>;
  type(data: string): void;
  resize(height: number, width: number): void;
  /** Resolves with the close code once the server or the client ended the WebSocket. */
  closed: Promise<number>;
  close(): Promise<void>;
}

/** The `pty` URL of `agentId` on the coderd at `baseUrl`, for the session `reconnect`. */
export function ptyUrl(
  baseUrl: string,
  agentId: string,
  reconnect: string,
  query: Record<string, string> = {},
): string {
  const u = new URL(`/api/v2/workspaceagents/${agentId}/pty`, baseUrl);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.search = new URLSearchParams({ reconnect, width: '80', height: '24', ...query }).toString();
  return u.toString();
}

export async function openTerminal(url: string, headers: Record<string, string>): Promise<Terminal> {
  const ws = new WebSocket(url, { headers });
  let out = '';
  ws.on('message', (d: Buffer) => (out += d.toString('utf8')));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.on('error', () => {});
  return {
    ws,
    output: () => out,
    async waitFor(re, ms = 10_000) {
      const until = Date.now() + ms;
      while (!re.test(out)) {
        if (Date.now() > until) throw new Error(`no ${re} in terminal output:\n${out}`);
        await sleep(20);
      }
      return out;
    },
    type: (data) => ws.send(JSON.stringify({ data })),
    resize: (height, width) => ws.send(JSON.stringify({ height, width })),
    closed,
    close: async () => {
      if (ws.readyState !== WebSocket.CLOSED) ws.close();
      await closed;
    },
  };
}
