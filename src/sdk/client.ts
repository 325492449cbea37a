/**
 * The typed HTTP client every Hangar client uses (CLI, provisioner daemon, agent, dashboard).
 * It runs in Node and in the browser: only `fetch`, `URL` and `Headers` are used here.
 */
import {
  errorForCode,
  type ErrorResponse,
  type HangarErrorCode,
  HangarError,
  Unavailable,
} from './errors.js';
import { apiPrefix, SessionTokenHeader } from './headers.js';

const statusToCode: Record<number, HangarErrorCode> = {
  400: 'invalid_input',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  412: 'precondition_failed',
  413: 'payload_too_large',
  429: 'too_many_requests',
  503: 'unavailable',
};

/** An error from the API, rebuilt as the right HangarError subclass with the request that failed. */
export interface ApiErrorInfo {
  status: number;
  method: string;
  url: string;
}

export function apiErrorInfo(err: unknown): ApiErrorInfo | undefined {
  return err instanceof HangarError ? (err as HangarError & { api?: ApiErrorInfo }).api : undefined;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Raw body (e.g. a tar); JSON-encoded otherwise. */
  rawBody?: Uint8Array;
  contentType?: string;
}

export class Client {
  readonly url: URL;
  sessionToken: string | undefined;
  /** Sent with every request; lets the dashboard rely on cookies and the CLI on the header. */
  extraHeaders: Record<string, string> = {};
  /**
   * When set, a request that has not finished in this long fails as unreachable, so a pooled
   * connection to a server that vanished without closing it cannot hang its caller (the agent).
   */
  requestTimeoutMs: number | undefined;

  constructor(url: string | URL, sessionToken?: string) {
    this.url = new URL(url);
    this.sessionToken = sessionToken;
  }

  /** Absolute URL of an API path such as `/users/me`. */
  apiUrl(path: string, query?: RequestOptions['query']): URL {
    const u = new URL(apiPrefix + path, this.url);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u;
  }

  /** Like apiUrl with the ws/wss scheme, for streaming endpoints. */
  websocketUrl(path: string, query?: RequestOptions['query']): URL {
    const u = this.apiUrl(path, query);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    return u;
  }

  async request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    const res = await this.fetchRaw(method, path, body, options);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Like `request` but returns the Response for streaming bodies; still throws on error statuses. */
  async fetchRaw(
    method: string,
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<Response> {
    const url = this.apiUrl(path, options.query);
    const headers: Record<string, string> = { ...this.extraHeaders, ...options.headers };
    if (this.sessionToken) headers[SessionTokenHeader] = this.sessionToken;
    let payload: RequestInit['body'];
    if (options.rawBody) {
      payload = options.rawBody as RequestInit['body'];
      headers['Content-Type'] = options.contentType ?? 'application/octet-stream';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['Content-Type'] = 'application/json';
    }
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        body: payload,
        signal:
          options.signal ??
          (this.requestTimeoutMs === undefined ? undefined : AbortSignal.timeout(this.requestTimeoutMs)),
        credentials: 'include',
      });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new Unavailable(`Could not reach ${this.url.origin}.`, {
        detail: (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message,
        cause: err,
      });
    }
    if (res.ok || res.status === 101) return res;
    throw await toApiError(res, method, url.toString());
  }
}

async function toApiError(res: Response, method: string, url: string): Promise<HangarError> {
  let body: ErrorResponse = { message: `${method} ${url} failed with status ${res.status}.` };
  const text = await res.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as Partial<ErrorResponse>;
    if (typeof parsed.message === 'string') body = parsed as ErrorResponse;
  } catch {
    if (text) body.detail = text.slice(0, 500);
  }
  const code = statusToCode[res.status] ?? (res.status >= 500 ? 'internal' : 'invalid_input');
  const err = errorForCode(code, body.message, { detail: body.detail, validations: body.validations });
  Object.defineProperty(err, 'api', { value: { status: res.status, method, url }, enumerable: false });
  return err;
}
