/** A small typed route table over find-my-way: each route is a middleware chain ending in a handler. */
import FindMyWay from 'find-my-way';
import type { Handler, Middleware } from './request-context.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  method: Method;
  path: string;
  chain: Middleware[];
  handler: Handler;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string | undefined>;
}

/** Builds nested groups: `group('/users', [auth], g => g.get('/me', handler))`. */
export class RouteGroup {
  constructor(
    private readonly routes: Route[],
    private readonly prefix = '',
    private readonly chain: Middleware[] = [],
  ) {}

  group(prefix: string, chain: Middleware[], build: (g: RouteGroup) => void): this {
    build(new RouteGroup(this.routes, this.prefix + prefix, [...this.chain, ...chain]));
    return this;
  }

  add(method: Method, path: string, ...rest: [...Middleware[], Handler]): this {
    const handler = rest.pop() as Handler;
    this.routes.push({
      method,
      path: this.prefix + path,
      chain: [...this.chain, ...(rest as Middleware[])],
      handler,
    });
    return this;
  }

  get = (path: string, ...rest: [...Middleware[], Handler]) => this.add('GET', path, ...rest);
  post = (path: string, ...rest: [...Middleware[], Handler]) => this.add('POST', path, ...rest);
  put = (path: string, ...rest: [...Middleware[], Handler]) => this.add('PUT', path, ...rest);
  patch = (path: string, ...rest: [...Middleware[], Handler]) => this.add('PATCH', path, ...rest);
  delete = (path: string, ...rest: [...Middleware[], Handler]) => this.add('DELETE', path, ...rest);
}

export class RouteTable {
  private readonly router = FindMyWay({ ignoreTrailingSlash: true, caseSensitive: true });

  constructor(readonly routes: Route[]) {
    for (const r of routes) {
      // Routes are written with Coder's `{param}` style; find-my-way wants `:param`.
      this.router.on(r.method, r.path.replace(/\{(\w+)\}/g, ':$1'), () => {}, r);
    }
  }

  find(method: string, path: string): RouteMatch | undefined {
    const found = this.router.find(method as Method, path);
    if (!found) return undefined;
    return { route: found.store as Route, params: found.params };
  }
}

export async function runChain(
  chain: Middleware[],
  handler: Handler,
  ctx: Parameters<Handler>[0],
): Promise<void> {
  const step = async (i: number): Promise<void> => {
    if (i === chain.length) return handler(ctx);
    await chain[i]!(ctx, () => step(i + 1));
  };
  await step(0);
}
