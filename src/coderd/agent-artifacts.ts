/**
 * What a workspace downloads to run its agent: the init script (`GET /api/v2/init-script/{os}/{arch}`,
 * the same text the provisioner hands templates) and the agent itself under `/bin/` with a
 * `.sha256` beside each file, which the init script checks before running it. Unauthenticated,
 * as in Coder: nothing here is secret, and workspaces have no session.
 */
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { NotFound } from '../sdk/errors.js';
import {
  agentArchitectures,
  agentBundlePath,
  agentInitScript,
  agentOperatingSystems,
} from '../sdk/agent-init-script.js';
import type { RequestContext } from './request-context.js';

/** Where the build puts the agent artifacts (scripts/build-steps/30-agent-bundle.mjs, 40-agent-sea.mjs). */
export const agentArtifactsDir = fileURLToPath(new URL('../../agent-bundle/', import.meta.url));

// The standalone agent is ~90 MB: it is streamed from disk, and only its hash is kept, per file
// version (a rebuild replaces the file by rename while the server runs).
const hashes = new Map<string, { version: string; sha256: Promise<string> }>();

async function hashOf(fh: FileHandle): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fh.createReadStream({ start: 0, autoClose: false })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The open artifact with its size and hash; the caller closes `fh`. */
async function artifact(name: string): Promise<{ fh: FileHandle; size: number; sha256: string }> {
  let fh: FileHandle;
  try {
    fh = await open(agentArtifactsDir + name);
  } catch {
    throw new NotFound(`The agent artifact "${name}" is not part of this build.`, {
      detail:
        'Workspaces without Node.js 20+ need the standalone agent executable, which this build does not include.',
    });
  }
  try {
    const st = await fh.stat();
    const version = `${st.ino}:${st.size}:${st.mtimeMs}`;
    let entry = hashes.get(name);
    if (entry?.version !== version) hashes.set(name, (entry = { version, sha256: hashOf(fh) }));
    return { fh, size: st.size, sha256: await entry.sha256 };
  } catch (err) {
    hashes.delete(name);
    await fh.close();
    throw err;
  }
}

export async function initScript(ctx: RequestContext): Promise<void> {
  const os = ctx.params.os ?? '';
  const arch = ctx.params.arch ?? '';
  if (
    !(agentOperatingSystems as readonly string[]).includes(os) ||
    !(agentArchitectures as readonly string[]).includes(arch)
  )
    throw new NotFound(`No agent for ${os}/${arch}. Supported: linux/amd64, linux/arm64.`);
  const text = agentInitScript(os, arch, ctx.api.accessUrl);
  ctx.res.writeHead(200, {
    'Content-Type': 'text/x-shellscript; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  ctx.res.end(text);
}

const servable = /^hangar-agent(-linux-(amd64|arm64)|\.mjs)(\.sha256)?$/;

export async function agentBinary(ctx: RequestContext): Promise<void> {
  const file = ctx.params.file ?? '';
  if (!servable.test(file)) throw new NotFound('No such file.');
  const checksum = file.endsWith('.sha256');
  const name = checksum ? file.slice(0, -'.sha256'.length) : file;
  const { fh, size, sha256 } = await artifact(name);
  if (checksum) {
    await fh.close();
    const text = `${sha256}  ${name}\n`;
    ctx.res.writeHead(200, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
    });
    ctx.res.end(text);
    return;
  }
  // The build writes a gzip copy of the standalone executable beside it (about 38% of the size);
  // clients that accept gzip (the init script's curl) get that. The .sha256 is of the plain bytes.
  const gz = acceptsGzip(ctx.req.headers['accept-encoding'])
    ? await open(`${agentArtifactsDir}${name}.gz`).catch(() => undefined)
    : undefined;
  if (gz) await fh.close();
  const body = gz ?? fh;
  ctx.res.writeHead(200, {
    'Content-Type': name.endsWith('.mjs') ? 'text/javascript; charset=utf-8' : 'application/octet-stream',
    'Content-Length': gz ? (await gz.stat()).size : size,
    ...(gz ? { 'Content-Encoding': 'gzip' } : {}),
    Vary: 'Accept-Encoding',
    ETag: gz ? `"${sha256}-gzip"` : `"${sha256}"`,
  });
  // The stream closes the handle; a client that goes away mid-download just ends it.
  await pipeline(body.createReadStream({ start: 0 }), ctx.res).catch(() => {});
}

/** Whether an Accept-Encoding header admits gzip (listed, and not with q=0). */
export function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((entry) => {
    const [coding, ...params] = entry.split(';').map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return coding === 'gzip' && (q === undefined || Number(q.slice(2)) > 0);
  });
}

export const agentBundleFile = agentBundlePath.replace('bin/', '');
