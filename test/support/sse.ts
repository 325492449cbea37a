// Reading a Server-Sent Events response (workspace watch, agent metadata watch) as a client does.
import { SessionTokenHeader } from '../../src/sdk/headers.js';

/**
 * Reads the `data` events of `url` with `token` until `done` accepts the events so far; rejects
 * if the stream ends first or `ms` pass.
 */
export async function readEvents<T>(
  url: URL,
  token: string,
  done: (events: T[]) => boolean,
  ms = 15_000,
): Promise<T[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), ms);
  try {
    const res = await fetch(url, { headers: { [SessionTokenHeader]: token }, signal: abort.signal });
    if (res.status !== 200) throw new Error(`${url.pathname} answered ${res.status}: ${await res.text()}`);
    if (!/text\/event-stream/.test(res.headers.get('content-type') ?? ''))
      throw new Error(`${url.pathname} is not an event stream`);
    const events: T[] = [];
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (block.startsWith('event: data') && data) events.push(JSON.parse(data) as T);
      }
      if (done(events)) return events;
    }
    throw new Error('the event stream ended early');
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}
