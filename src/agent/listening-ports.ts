/**
 * TCP ports something in the workspace listens on (Coder's agent listening-ports endpoint), read
 * from /proc/net/tcp and tcp6 like netstat. The process name comes from the process holding the
 * socket, where the agent may look (its own user's processes, or all as root); the agent's own
 * sockets are left out. coderd applies Coder's filters (ports below 9, well-known ones, app ports).
 */
import { readFile, readdir, readlink } from 'node:fs/promises';
import type { WorkspaceAgentListeningPort } from '../sdk/workspace-agents.js';

/** `st` of a listening socket in /proc/net/tcp. */
const tcpListen = '0A';

interface ListeningSocket {
  port: number;
  inode: string;
}

/** Parses /proc/net/tcp{,6} text: the LISTEN rows' local ports and socket inodes. */
export function parseProcNetTcp(text: string): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== tcpListen) continue;
    const port = parseInt(f[1]!.split(':')[1] ?? '', 16);
    if (port > 0) out.push({ port, inode: f[9]! });
  }
  return out;
}

/** Socket inode → { pid, name } for every process whose descriptors the agent may read. */
async function socketOwners(): Promise<Map<string, { pid: number; name: string }>> {
  const owners = new Map<string, { pid: number; name: string }>();
  const pids = (await readdir('/proc').catch(() => [])).filter((p) => /^\d+$/.test(p));
  await Promise.all(
    pids.map(async (pid) => {
      const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
      let name: string | undefined;
      for (const fd of fds) {
        const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
        const m = /^socket:\[(\d+)\]$/.exec(link);
        if (!m) continue;
        name ??= (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
        owners.set(m[1]!, { pid: Number(pid), name });
      }
    }),
  );
  return owners;
}

export async function listeningPorts(): Promise<WorkspaceAgentListeningPort[]> {
  const tables = await Promise.all(
    ['/proc/net/tcp', '/proc/net/tcp6'].map((f) => readFile(f, 'utf8').catch(() => '')),
  );
  const sockets = tables.flatMap(parseProcNetTcp);
  if (sockets.length === 0) return [];
  const owners = await socketOwners();
  const byPort = new Map<number, WorkspaceAgentListeningPort>();
  for (const s of sockets) {
    const owner = owners.get(s.inode);
    if (owner?.pid === process.pid) continue;
    const known = byPort.get(s.port);
    if (!known || (!known.process_name && owner?.name))
      byPort.set(s.port, { process_name: owner?.name ?? '', network: 'tcp', port: s.port });
  }
  return [...byPort.values()].sort((a, b) => a.port - b.port);
}
