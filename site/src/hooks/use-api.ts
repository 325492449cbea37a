/**
 * Loading data from the API in a component: keeps the last good data while reloading (no flicker
 * on live updates), polls while the tab is visible when asked to, and reloads when the tab regains
 * focus. Errors are kept next to the data so a page can show both.
 */
import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { asApiError } from '../api/client.js';

export interface ApiState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload(): Promise<void>;
  /** Replaces the data locally (after a mutation returned the new value, or a stream sent it). */
  setData(update: T | ((prev: T | undefined) => T)): void;
}

export function useApi<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: DependencyList,
  opts: {
    intervalMs?: number;
    /** Keep showing the old data while new deps load (a search being typed), instead of a spinner. */
    keepData?: boolean;
  } = {},
): ApiState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  const generation = useRef(0);

  const run = useCallback(async (signal: AbortSignal) => {
    const mine = ++generation.current;
    try {
      const value = await loadRef.current(signal);
      if (mine !== generation.current) return;
      setData(value);
      setError(undefined);
    } catch (err) {
      if (signal.aborted || mine !== generation.current) return;
      setError(asApiError(err));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  const controller = useRef<AbortController>(undefined);
  const reload = useCallback(() => {
    controller.current?.abort();
    controller.current = new AbortController();
    return run(controller.current.signal);
  }, [run]);

  useEffect(() => {
    setLoading(true);
    if (!opts.keepData) {
      setData(undefined);
      setError(undefined);
    }
    void reload();
    const onFocus = () => {
      if (document.visibilityState === 'visible') void reload();
    };
    document.addEventListener('visibilitychange', onFocus);
    const timer =
      opts.intervalMs !== undefined
        ? setInterval(() => {
            if (document.visibilityState === 'visible') void reload();
          }, opts.intervalMs)
        : undefined;
    return () => {
      document.removeEventListener('visibilitychange', onFocus);
      if (timer) clearInterval(timer);
      controller.current?.abort();
    };
  }, [...deps, opts.intervalMs, reload]);

  return { data, error, loading, reload, setData };
}

/** Runs a user action (a button, a form): tracks busy and the last error. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const run = useCallback(async <R>(fn: () => Promise<R>): Promise<R | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await fn();
    } catch (err) {
      setError(asApiError(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { run, busy, error, clearError: () => setError(undefined) };
}
