// Tunnel data-plane benchmark (not a timed test), after docs/adr/0040-tunnel-multiplexer.md and
// ../shared/reference/tunnel-measurements.md: each role is its own process (client, relay as
// coderd, agent, target), forked by this orchestrator, which stays idle while measuring.
// Designs: A direct TCP; B a plain Node TCP relay (pipe both ways); MUX our multiplexer over the
// agent's WebSocket with a raw-Upgrade client leg.
// Run: npm run build && node dist/bench/tunnel/run.js [rounds=5] [singleMiB=1024]
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocket, WebSocketServer } from 'ws';
import {
  Mux,
  checkNativeMasking,
  dialRawUpgrade,
  relayRawUpgrade,
  rejectRawUpgrade,
  serveTcpTarget,
  tcpTarget,
} from '../../src/sdk/tunnel/index.js';

const MiB = 1024 * 1024;
type Design = 'A' | 'B' | 'MUX';
interface Ports {
  bulk: number;
  banner: number;
  relayBulk: number;
  relayBanner: number;
  mux: number;
}

const listen = async (server: net.Server | http.Server): Promise<number> => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
};

async function target(): Promise<void> {
  const slab = Buffer.alloc(4 * MiB, 0x5a);
  const bulk = net.createServer({ noDelay: true }, (s) => {
    s.on('error', () => {});
    let head = Buffer.alloc(0);
    const onData = (c: Buffer) => {
      head = Buffer.concat([head, c]);
      if (head.length < 8) return;
      s.off('data', onData);
      let left = Number(head.readBigUInt64BE(0));
      let off = 0;
      const pump = () => {
        while (left > 0) {
          const n = Math.min(MiB, left);
          const ok = s.write(slab.subarray(off, off + n));
          off = (off + MiB) % slab.length;
          left -= n;
          if (!ok) return void s.once('drain', pump);
        }
        s.end();
      };
      pump();
    };
    s.on('data', onData);
  });
  const banner = net.createServer({ noDelay: true }, (s) => {
    s.on('error', () => {});
    s.write('SSH-2.0-HangarBench_1.0\r\n'.slice(0, 24));
  });
  process.send!({ bulk: await listen(bulk), banner: await listen(banner) });
}

async function relayTcp(targetPort: number): Promise<void> {
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (c) => {
    const t = net.connect({ port: targetPort, host: '127.0.0.1', allowHalfOpen: true, noDelay: true });
    c.on('error', () => t.destroy());
    t.on('error', () => c.destroy());
    c.pipe(t);
    t.pipe(c);
  });
  process.send!({ port: await listen(server) });
}

async function relayMux(): Promise<void> {
  const server = http.createServer();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
  let mux: Mux | undefined;
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/agent') {
      wss.handleUpgrade(req, socket, head, (ws) => (mux = new Mux(ws, { side: 'initiator' })));
      return;
    }
    if (!mux) return rejectRawUpgrade(socket, 503, { message: 'no agent' });
    (socket as net.Socket).setNoDelay(true);
    void relayRawUpgrade(socket, head, mux.open(url.searchParams.get('target') ?? ''));
  });
  process.send!({ port: await listen(server), masking: checkNativeMasking() });
}

async function agent(port: number): Promise<void> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/agent`, { perMessageDeflate: false });
  await once(ws, 'open');
  new Mux(ws, { side: 'acceptor' }).onOpen(serveTcpTarget);
  process.send!({ ok: true });
}

async function client(p: Ports): Promise<void> {
  const connect = async (design: Design, kind: 'bulk' | 'banner'): Promise<net.Socket> => {
    if (design === 'MUX') {
      const port = kind === 'bulk' ? p.bulk : p.banner;
      return dialRawUpgrade(
        new URL(`http://127.0.0.1:${p.mux}/stream?target=${tcpTarget('127.0.0.1', port)}`),
      );
    }
    const port = design === 'A' ? p[kind] : kind === 'bulk' ? p.relayBulk : p.relayBanner;
    const s = net.connect({ port, host: '127.0.0.1', noDelay: true });
    await once(s, 'connect');
    return s;
  };
  const download = async (design: Design, bytes: number): Promise<void> => {
    const s = await connect(design, 'bulk');
    const req = Buffer.alloc(8);
    req.writeBigUInt64BE(BigInt(bytes));
    s.write(req);
    let got = 0;
    s.on('data', (c: Buffer) => (got += c.length));
    await once(s, 'end');
    s.destroy();
    if (got !== bytes) throw new Error(`${design}: got ${got} of ${bytes} bytes`);
  };
  process.on('message', async (m: { design: Design; kind: string; bytes: number; streams: number }) => {
    const t0 = process.hrtime.bigint();
    if (m.kind === 'bulk') {
      await Promise.all(Array.from({ length: m.streams }, () => download(m.design, m.bytes)));
      process.send!({ ms: Number(process.hrtime.bigint() - t0) / 1e6 });
      return;
    }
    const lat: number[] = [];
    for (let i = 0; i < m.streams; i++) {
      const t = process.hrtime.bigint();
      const s = await connect(m.design, 'banner');
      if (!s.readableLength) await once(s, 'data');
      lat.push(Number(process.hrtime.bigint() - t) / 1e6);
      s.destroy();
      await once(s, 'close');
    }
    process.send!({ lat });
  });
  process.send!({ ok: true });
}

// --- orchestrator ---

function spawn(role: string, ...args: (string | number)[]): Promise<[ChildProcess, Record<string, unknown>]> {
  const child = fork(fileURLToPath(import.meta.url), [role, ...args.map(String)]);
  return once(child, 'message').then(([m]) => [child, m as Record<string, unknown>]);
}

function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;

async function orchestrate(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const single = Number(process.argv[3] ?? 1024) * MiB;
  const eight = single / 8;
  const [tgt, tp] = await spawn('target');
  const [rb, rbp] = await spawn('relay-tcp', tp.bulk as number);
  const [rn, rnp] = await spawn('relay-tcp', tp.banner as number);
  const [rm, rmp] = await spawn('relay-mux');
  const [ag] = await spawn('agent', rmp.port as number);
  const ports: Ports = {
    bulk: tp.bulk as number,
    banner: tp.banner as number,
    relayBulk: rbp.port as number,
    relayBanner: rnp.port as number,
    mux: rmp.port as number,
  };
  const [cl] = await spawn('client', JSON.stringify(ports));
  const ask = async (m: object) => {
    cl.send(m);
    const [r] = await once(cl, 'message');
    return r as { ms?: number; lat?: number[] };
  };
  const relayOf = (d: Design) => (d === 'A' ? undefined : d === 'B' ? rb : rm);
  const designs: Design[] = ['A', 'B', 'MUX'];
  const res = Object.fromEntries(
    designs.map((d) => [
      d,
      {
        one: [] as number[],
        eight: [] as number[],
        lat: [] as number[],
        relayCpu: [] as number[],
        agentCpu: [] as number[],
      },
    ]),
  ) as Record<
    Design,
    { one: number[]; eight: number[]; lat: number[]; relayCpu: number[]; agentCpu: number[] }
  >;
  // Warm-up: a quarter-size transfer and 20 banner streams per design.
  for (const d of designs) {
    await ask({ design: d, kind: 'bulk', bytes: single / 4, streams: 1 });
    await ask({ design: d, kind: 'banner', streams: 20 });
  }
  for (let r = 0; r < rounds; r++) {
    const order = designs.map((_, i) => designs[(i + r) % designs.length]!);
    for (const d of order) {
      const relay = relayOf(d);
      const c0 = relay ? cpuSeconds(relay.pid!) : 0;
      const a0 = cpuSeconds(ag.pid!);
      const one = await ask({ design: d, kind: 'bulk', bytes: single, streams: 1 });
      if (relay) res[d].relayCpu.push((cpuSeconds(relay.pid!) - c0) / (single / 1024 ** 3));
      if (d === 'MUX') res[d].agentCpu.push((cpuSeconds(ag.pid!) - a0) / (single / 1024 ** 3));
      res[d].one.push(single / 1e6 / (one.ms! / 1000));
      const many = await ask({ design: d, kind: 'bulk', bytes: eight, streams: 8 });
      res[d].eight.push(single / 1e6 / (many.ms! / 1000));
      const lat = await ask({ design: d, kind: 'banner', streams: 40 });
      res[d].lat.push(...lat.lat!);
    }
  }
  const a1 = median(res.A.one);
  const a8 = median(res.A.eight);
  const fmt = (xs: number[]) =>
    `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
  console.log(
    `masking native: ${JSON.stringify(rmp.masking)}; rounds ${rounds}; single ${single / MiB} MiB, 8 × ${eight / MiB} MiB`,
  );
  console.log(
    '| design | 1 stream MB/s | % of A | 8 streams MB/s | % of A | setup ms p50 / p90 | relay CPU s/GiB | agent CPU s/GiB |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const d of designs) {
    const x = res[d];
    console.log(
      `| ${d} | ${fmt(x.one)} | ${((median(x.one) / a1) * 100).toFixed(0)} % | ${fmt(x.eight)} | ${((median(x.eight) / a8) * 100).toFixed(0)} % | ${median(x.lat).toFixed(2)} / ${pct(x.lat, 0.9).toFixed(2)} | ${x.relayCpu.length ? median(x.relayCpu).toFixed(2) : '–'} | ${x.agentCpu.length ? median(x.agentCpu).toFixed(2) : '–'} |`,
    );
  }
  for (const c of [cl, ag, rm, rn, rb, tgt]) c.kill();
}

const role = process.argv[2];
if (role === 'target') await target();
else if (role === 'relay-tcp') await relayTcp(Number(process.argv[3]));
else if (role === 'relay-mux') await relayMux();
else if (role === 'agent') await agent(Number(process.argv[3]));
else if (role === 'client') await client(JSON.parse(process.argv[3]!) as Ports);
else await orchestrate();
