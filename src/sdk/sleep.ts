/** Waits `ms`, or less if `signal` aborts (at once when it already has); never rejects. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    if (signal.aborted) return done();
    signal.addEventListener('abort', done, { once: true });
  });
}
