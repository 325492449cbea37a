// A client of `GET /workspaces/{id}/watch` (server-sent events) that keeps every workspace it was
// sent, with the time it arrived, so a test can assert that a change was published and when.
import { SessionTokenHeader } from '../../src/sdk/headers.js';
import type { HangarClient } from '../../src/sdk/hangar-client.js';
import type { Workspace } from '../../src/sdk/workspaces.js';
import { setTimeout as sleep } from 'node:timers/promises';

export interface WorkspaceWatch {
  events: { at: number; workspace: Workspace }[];
  /** The first event at or after `since` (ms epoch) whose workspace satisfies `pred`. */
  waitFor(what: string, pred: (w: Workspace) => boolean, since?: number, ms?: number): Promise<number>;
  close(): void;
}

export async function watchWorkspace(client: HangarClient, id: string): Promise<WorkspaceWatch> {
  const abort = new AbortController();
  const res = await fetch(client.workspaces.watchUrl(id), {
    headers: { [SessionTokenHeader]: client.sessionToken! },
    signal: abort.signal,
  });
  if (res.status !== 200) throw new Error(`watch answered ${res.status}`);
  const events: WorkspaceWatch['events'] = [];
  void (async () => {
    let buffer = '';
    try {
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let i: number;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const data = /^event: data\ndata: (.*)$/m.exec(buffer.slice(0, i));
          buffer = buffer.slice(i + 2);
          if (data) events.push({ at: Date.now(), workspace: JSON.parse(data[1]!) as Workspace });
        }
      }
    } catch {
      // Aborted by close(), or the server went away.
    }
  })();
  return {
    events,
    async waitFor(what, pred, since = 0, ms = 30_000) {
      const until = Date.now() + ms;
      for (;;) {
        const e = events.find((x) => x.at >= since && pred(x.workspace));
        if (e) return e.at;
        if (Date.now() > until)
          throw new Error(`no watch event showed ${what} within ${ms} ms (${events.length} events)`);
        await sleep(25);
      }
    },
    close: () => abort.abort(),
  };
}
