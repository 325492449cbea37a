/**
 * What a workspace downloads to run its agent: the init script (`GET /api/v2/init-script/{os}/{arch}`,
 * the same text the provisioner hands templates) and the agent itself under `/bin/` with a
 * `.sha256` beside each file, which the init script checks before running it. Unauthenticated,
 * as in Coder: nothing here is secret, and workspaces have no session.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { NotFound } from '../sdk/errors.js';
import {
  agentArchitectures,
  agentBundlePath,
  agentInitScript,
  agentOperatingSystems,
} from '../sdk/agent-init-script.js';
import type { RequestContext } from './request-context.js';

/** Where the build puts the agent artifacts (scripts/build-steps/30-agent-bundle.mjs). */
export const agentArtifactsDir = fileURLToPath(new URL('../../agent-bundle/', import.meta.url));

const cache = new Map<string, { data: Buffer; sha256: string }>();

async function artifact(name: string): Promise<{ data: Buffer; sha256: string }> {
  const hit = cache.get(name);
  if (hit) return hit;
  let data: Buffer;
  try {
    data = await readFile(agentArtifactsDir + name);
  } catch {
    throw new NotFound(`The agent artifact "${name}" is not part of this build.`, {
      detail:
        'Workspaces without Node.js 20+ need the standalone agent executable, which this build does not include.',
    });
  }
  const entry = { data, sha256: createHash('sha256').update(data).digest('hex') };
  cache.set(name, entry);
  return entry;
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
  const { data, sha256 } = await artifact(name);
  if (checksum) {
    const text = `${sha256}  ${name}\n`;
    ctx.res.writeHead(200, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
    });
    ctx.res.end(text);
    return;
  }
  ctx.res.writeHead(200, {
    'Content-Type': name.endsWith('.mjs') ? 'text/javascript; charset=utf-8' : 'application/octet-stream',
    'Content-Length': data.length,
    ETag: `"${sha256}"`,
  });
  ctx.res.end(data);
}

export const agentBundleFile = agentBundlePath.replace('bin/', '');
