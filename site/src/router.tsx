/**
 * A small client-side router on the History API: the app's pages are a flat table of path
 * patterns (`/@:owner/:workspace`), so a library would add more than it saves.
 */
import {
  createContext,
  useContext,
  useEffect,
  useState,
  type AnchorHTMLAttributes,
  type ReactNode,
} from 'react';

export interface Location {
  path: string;
  search: URLSearchParams;
  /** path + search, for returning to this page later. */
  href: string;
}

const navigateEvent = 'hangar:navigate';

function current(): Location {
  const { pathname, search } = window.location;
  return { path: pathname, search: new URLSearchParams(search), href: pathname + search };
}

const LocationContext = createContext<Location>(current());

export function RouterProvider({ children }: { children: ReactNode }) {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const update = () => setLoc(current());
    window.addEventListener('popstate', update);
    window.addEventListener(navigateEvent, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(navigateEvent, update);
    };
  }, []);
  return <LocationContext.Provider value={loc}>{children}</LocationContext.Provider>;
}

export function useLocation(): Location {
  return useContext(LocationContext);
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else {
    window.history.pushState(null, '', to);
    window.scrollTo(0, 0);
  }
  window.dispatchEvent(new Event(navigateEvent));
}

/** An anchor that navigates inside the app; modified clicks (new tab, …) keep the browser's behaviour. */
export function Link({ to, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  return (
    <a
      {...rest}
      href={to}
      onClick={(e) => {
        rest.onClick?.(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        if (rest.target && rest.target !== '_self') return;
        e.preventDefault();
        navigate(to);
      }}
    />
  );
}

/** Matches `/a/:b/c` against a path; returns the decoded parameters or undefined. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const source = pattern
    .split('/')
    .map((seg) =>
      seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      }),
    )
    .join('/');
  const m = new RegExp(`^${source}/?$`).exec(path);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  try {
    names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
  } catch {
    return undefined;
  }
  return params;
}
