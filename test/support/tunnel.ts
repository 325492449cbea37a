/**
 * A tunnel on loopback for tests: an HTTP server playing coderd (the agent's WebSocket on
 * `/agent`, client legs on `/stream?target=…` as raw Upgrade or WebSocket), and an agent-side mux
 * that dials TCP targets. Everything runs over real sockets in this process.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import {
  Mux,
  WebSocketLeg,
  isRawUpgrade,
  rejectRawUpgrade,
  relayRawUpgrade,
  serveTcpTarget,
  spliceStreams,
} from '../../src/sdk/tunnel/index.js';
import type { MuxOptions } from '../../src/sdk/tunnel/index.js';

export interface TunnelFixture {
  /** coderd's side of the agent connection (initiator). */
  relay: Mux;
  /** The agent's side (acceptor, serving tcp: targets). */
  agent: Mux;
  /** The agent's WebSocket, and coderd's. */
  agentWs: WebSocket;
  relayWs: WebSocket;
  baseUrl: string;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startTunnel(opts: Partial<MuxOptions> = {}): Promise<TunnelFixture> {
  const server = http.createServer();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
  let relay: Mux | undefined;
  let relayWs: WebSocket | undefined;
  const relayReady = new Promise<void>((resolve) => {
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/agent') {
        wss.handleUpgrade(req, socket, head, (ws) => {
          relayWs = ws;
          relay = new Mux(ws, { ...opts, side: 'initiator' });
          resolve();
        });
        return;
      }
      const target = url.searchParams.get('target') ?? '';
      if (!relay) return rejectRawUpgrade(socket, 503, { message: 'No agent is connected.' });
      let stream;
      try {
        stream = relay.open(target);
      } catch (err) {
        return rejectRawUpgrade(socket, 400, { message: (err as Error).message });
      }
      if (isRawUpgrade(req)) {
        void relayRawUpgrade(socket, head, stream);
        return;
      }
      const s = stream;
      const quiet = () => {};
      s.on('error', quiet);
      wss.handleUpgrade(req, socket, head, (ws) => {
        const leg = new WebSocketLeg(ws);
        leg.on('error', () => {});
        s.accepted.then(
          () => {
            s.off('error', quiet);
            void spliceStreams(leg, s);
          },
          (err: Error) => leg.fail(err.message),
        );
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const agentWs = new WebSocket(`ws://127.0.0.1:${port}/agent`, { perMessageDeflate: false });
  agentWs.on('error', () => {});
  await once(agentWs, 'open');
  const agent = new Mux(agentWs, { ...opts, side: 'acceptor' });
  agent.onOpen(serveTcpTarget);
  await relayReady;
  return {
    relay: relay!,
    agent,
    agentWs,
    relayWs: relayWs!,
    baseUrl,
    async [Symbol.asyncDispose]() {
      agent.close();
      relay!.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
