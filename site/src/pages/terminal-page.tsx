/**
 * The web terminal (opened in its own tab): xterm.js over `GET /workspaceagents/{id}/pty`. Frames
 * are binary both ways; the browser sends JSON `{data}` keystrokes and `{height,width}` resizes,
 * the server sends the terminal's raw bytes. A dropped connection reattaches to the same session
 * with the same `reconnect` id, so a flaky network does not lose the shell.
 */
import { useEffect, useRef, useState } from 'react';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import type { ReconnectingPTYRequest } from '../../../src/sdk/web-terminal.js';
import type { WorkspaceAgent } from '../../../src/sdk/workspaces.js';
import { api } from '../api/client.js';
import { ErrorAlert, Loading } from '../components/feedback.js';
import { useTitle } from '../components/layout.js';
import { useApi } from '../hooks/use-api.js';
import { useLocation } from '../router.js';

type ConnState = 'connecting' | 'connected' | 'disconnected' | 'agent-offline';

/** crypto.randomUUID needs a secure context; a plain-http deployment still needs an id. */
function uuid(): string {
  if (typeof crypto.randomUUID === 'function' && window.isSecureContext) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const encoder = new TextEncoder();

function TerminalView({ agent, command }: { agent: WorkspaceAgent; command: string | undefined }) {
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<ConnState>('connecting');
  const [detail, setDetail] = useState('');
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const term = new Terminal({
      cursorBlink: true,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
      fontSize: 14,
      theme: { background: '#0f1419' },
      scrollback: 10_000,
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(el);
    fit.fit();
    term.focus();
    const reconnect = uuid();
    let ws: WebSocket | undefined;
    let disposed = false;
    let attempt = 0;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const send = (msg: ReconnectingPTYRequest) => {
      if (ws?.readyState === WebSocket.OPEN) ws.send(encoder.encode(JSON.stringify(msg)));
    };
    const connect = () => {
      setState('connecting');
      const url = api.apps.terminalUrl(agent.id, {
        reconnect,
        width: term.cols,
        height: term.rows,
        ...(command ? { command } : {}),
      });
      const sock = new WebSocket(url);
      ws = sock;
      sock.binaryType = 'arraybuffer';
      sock.onopen = () => {
        attempt = 0;
        setState('connected');
        setDetail('');
        send({ height: term.rows, width: term.cols });
      };
      sock.onmessage = (e) =>
        term.write(typeof e.data === 'string' ? e.data : new Uint8Array(e.data as ArrayBuffer));
      sock.onclose = (e) => {
        if (disposed || ws !== sock) return;
        setState('disconnected');
        // Back off up to 10 s; the session survives on the agent meanwhile.
        const wait = Math.min(10_000, 500 * 2 ** attempt++);
        setDetail(`${e.reason || 'The connection closed'}. Reconnecting in ${Math.round(wait / 1000)} s…`);
        retry = setTimeout(connect, wait);
      };
    };
    connect();
    const onData = term.onData((data) => send({ data }));
    const onResize = term.onResize(({ cols, rows }) => send({ height: rows, width: cols }));
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(el);
    return () => {
      disposed = true;
      clearTimeout(retry);
      observer.disconnect();
      onData.dispose();
      onResize.dispose();
      ws?.close();
      term.dispose();
    };
  }, [agent.id, command]);
  return (
    <div className="terminal-page" data-state={state}>
      <div className="terminal-host" ref={host} aria-label="Terminal" />
      {state !== 'connected' && (
        <div className={`terminal-status terminal-${state}`} role="status">
          {state === 'connecting' ? 'Connecting…' : detail}
        </div>
      )}
    </div>
  );
}

export function TerminalPage({ owner, target }: { owner: string; target: string }) {
  const [workspaceName, agentName] = target.split('.', 2) as [string, string | undefined];
  useTitle(`Terminal · ${workspaceName}`);
  const { search } = useLocation();
  const ws = useApi(() => api.workspaces.getByOwnerAndName(owner, workspaceName), [owner, workspaceName]);
  if (!ws.data)
    return ws.error ? <ErrorAlert error={ws.error} /> : <Loading label="Finding the workspace…" />;
  const agents = ws.data.latest_build.resources.flatMap((r) => r.agents);
  const agent = agentName ? agents.find((a) => a.name === agentName) : agents[0];
  if (!agent)
    return (
      <div className="terminal-page">
        <div className="terminal-status terminal-agent-offline" role="alert">
          {agentName
            ? `The workspace has no agent named "${agentName}".`
            : 'The workspace has no agent; is it running?'}
        </div>
      </div>
    );
  return <TerminalView agent={agent} command={search.get('command') ?? undefined} />;
}
