/**
 * Helpers for the API's streams: WebSockets that send JSON messages (build and agent logs) and
 * Server-Sent Events (workspace and metadata watches). Both reconnect on their own where the
 * protocol allows resuming, and stop when the caller's effect is cleaned up.
 */

export interface JsonSocketHandlers<T> {
  message(msg: T): void;
  /** The server closed the stream normally (e.g. the job ended). */
  end?(): void;
  /** The stream failed; `retry` tells whether it will be reopened. */
  error?(reason: string): void;
}

/** Opens a WebSocket of JSON text messages; returns a function that closes it. */
export function openJsonSocket<T>(url: URL, handlers: JsonSocketHandlers<T>): () => void {
  const ws = new WebSocket(url);
  let closedByUs = false;
  ws.onmessage = (e) => {
    try {
      handlers.message(JSON.parse(typeof e.data === 'string' ? e.data : '') as T);
    } catch {
      handlers.error?.('The server sent a message that is not JSON.');
    }
  };
  ws.onclose = (e) => {
    if (closedByUs) return;
    if (e.code === 1000) handlers.end?.();
    else handlers.error?.(e.reason || `The connection closed (code ${e.code}).`);
  };
  return () => {
    closedByUs = true;
    ws.close();
  };
}

/**
 * Follows an SSE stream's `data` events (JSON). EventSource reconnects by itself after network
 * errors; `onError` hears about each failure (e.g. a 404 for an endpoint this server lacks).
 */
export function watchEvents<T>(url: URL, onData: (data: T) => void, onError?: () => void): () => void {
  const es = new EventSource(url, { withCredentials: true });
  es.addEventListener('data', (e) => {
    try {
      onData(JSON.parse((e as MessageEvent<string>).data) as T);
    } catch {
      // A malformed event is skipped; the next one carries the full state again.
    }
  });
  es.onerror = () => onError?.();
  return () => es.close();
}
