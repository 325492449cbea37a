/**
 * GET /organizations/{org}/provisionerdaemons/serve: authenticates an external daemon (provisioner
 * key, the PSK, or an owner/template-admin session), registers it, upgrades to a WebSocket and
 * bridges JSON frames to its DaemonServer. A malformed frame closes that socket with 4400 and a
 * reason; nothing a daemon sends can take the server down.
 */
import { timingSafeEqual } from 'node:crypto';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { HangarError, InvalidInput, NotFound, Unauthenticated } from '../../sdk/errors.js';
import { ProvisionerKeyHeader, ProvisionerPSKHeader } from '../../sdk/headers.js';
import { provisionerTypes } from '../../sdk/provisioner-jobs.js';
import { normalizeProvisionerTags, parseTagFlags, type ProvisionerTags } from '../../sdk/provisioner-tags.js';
import {
  provisionerdApiVersion,
  provisionerdCloseKeyRevoked,
  provisionerdCloseProtocolError,
  type ProvisionerdHelloFrame,
  type ProvisionerdResponseFrame,
} from '../../sdk/provisionerd-protocol.js';
import { withActor } from '../../database/authz/actor-context.js';
import { systemActors } from '../../database/authz/actors.js';
import { authorize } from '../../database/authz/rbac.js';
import type { OrganizationRow } from '../../database/models.js';
import { secretMatches } from '../apikey.js';
import { authenticate, extractToken } from '../httpmw/api-key.js';
import { parseProvisionerKey } from '../provisioner-daemons.js';
import type { RequestContext } from '../request-context.js';
import { acceptWebSocket } from '../websocket.js';
import type { DaemonServer } from './daemon-server.js';
import { uuidPattern } from '../../sdk/validation.js';

const Frame = z.strictObject({
  id: z.number().int().nonnegative(),
  method: z.enum(['acquire', 'cancel_acquire', 'update', 'complete', 'fail']),
  params: z.unknown().optional(),
});
const JobLog = z.object({
  source: z.enum(['provisioner_daemon', 'provisioner']),
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error']),
  created_at: z.number(),
  stage: z.string(),
  output: z.string(),
});
const JobLogs = z.array(JobLog).max(10_000);
const UpdateParams = z.object({ job_id: z.string().regex(uuidPattern), logs: JobLogs });
const CompleteParams = z.object({
  job_id: z.string().regex(uuidPattern),
  result: z.object({ resources: z.array(z.any()), state: z.string().optional() }),
  logs: JobLogs.optional(),
});
const FailParams = z.object({
  job_id: z.string().regex(uuidPattern),
  error: z.string(),
  error_code: z.string().optional(),
  state: z.string().optional(),
  logs: JobLogs.optional(),
});

interface DaemonAuth {
  organization: OrganizationRow;
  tags: ProvisionerTags;
  keyId: string | null;
}

async function authenticateDaemon(ctx: RequestContext): Promise<DaemonAuth> {
  const ref = ctx.params.organization ?? '';
  const q = ctx.url.searchParams;
  const requested = normalizeProvisionerTags(parseTagFlags(q.getAll('tag')));
  const key = ctx.req.headers[ProvisionerKeyHeader.toLowerCase()];
  const psk = ctx.req.headers[ProvisionerPSKHeader.toLowerCase()];
  // Before a daemon is known there is no user actor: resolving its credentials is provisionerd's job.
  const organization = await withActor(systemActors.provisionerd, () =>
    uuidPattern.test(ref) ? ctx.api.store.getOrganizationById(ref) : ctx.api.store.getOrganizationByName(ref),
  );
  if (typeof key === 'string' && key) {
    const parsed = parseProvisionerKey(key);
    const row = parsed
      ? await withActor(systemActors.provisionerd, () => ctx.api.store.getProvisionerKeyById(parsed.id))
      : undefined;
    if (!parsed || !row || !secretMatches(row.hashed_secret, parsed.secret)) {
      throw new Unauthenticated('Invalid or revoked provisioner key.', {
        detail: 'Create a key with `hangar provisioner keys create <name>` and pass it with --key.',
      });
    }
    if (!organization || organization.id !== row.organization_id) {
      throw new Unauthenticated('This provisioner key belongs to another organization.');
    }
    // A key fixes the daemon's tags, as in Coder.
    return { organization, tags: normalizeProvisionerTags(row.tags), keyId: row.id };
  }
  if (typeof psk === 'string' && psk) {
    const expected = Buffer.from(ctx.api.values.provisionerDaemonPsk);
    const given = Buffer.from(psk);
    if (expected.length === 0 || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new Unauthenticated('Invalid provisioner daemon pre-shared key.');
    }
    if (!organization) throw new NotFound(`Organization "${ref}" not found.`);
    return { organization, tags: requested, keyId: null };
  }
  const token = extractToken(ctx.req, ctx.url);
  if (!token) {
    throw new Unauthenticated('A provisioner key, the pre-shared key or a session token is required.', {
      detail: `Send ${ProvisionerKeyHeader}, ${ProvisionerPSKHeader} or a session token.`,
    });
  }
  const auth = await authenticate(ctx, token);
  if (
    !organization ||
    !authorize(auth.actor, 'read', { type: 'organization', id: organization.id, orgId: organization.id })
  ) {
    throw new NotFound(`Organization "${ref}" not found.`);
  }
  if (!authorize(auth.actor, 'create', { type: 'provisioner_daemon', orgId: organization.id })) {
    throw new Unauthenticated('Only owners and template admins may run organization provisioner daemons.');
  }
  return { organization, tags: requested, keyId: null };
}

export async function serveProvisionerDaemon(ctx: RequestContext): Promise<void> {
  const auth = await authenticateDaemon(ctx);
  const q = ctx.url.searchParams;
  const types = q.getAll('provisioner');
  const provisioners = types.length ? types : ['terraform'];
  const unknown = provisioners.filter((p) => !(provisionerTypes as readonly string[]).includes(p));
  if (unknown.length) throw InvalidInput.field('provisioner', `Unknown provisioner type "${unknown[0]}".`);
  const name = (q.get('name') ?? '').slice(0, 64) || 'unnamed';
  const server = await ctx.api.provisionerd.register(
    {
      name,
      version: (q.get('version') ?? '').slice(0, 64),
      provisioners: provisioners as (typeof provisionerTypes)[number][],
      tags: auth.tags,
    },
    auth.organization.id,
    auth.keyId,
  );
  const ws = await acceptWebSocket(ctx);
  bridge(ws, server, ctx);
}

function bridge(ws: WebSocket, server: DaemonServer, ctx: RequestContext): void {
  const logger = ctx.logger.child({ daemon: server.daemon.name });
  const acquires = new Map<number, AbortController>();
  const hello: ProvisionerdHelloFrame = {
    hello: { daemon_id: server.id, api_version: provisionerdApiVersion },
  };
  ws.send(JSON.stringify(hello));
  const reply = (frame: ProvisionerdResponseFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  const protocolError = (reason: string) => {
    logger.warn({ reason }, 'closing a provisioner daemon socket after a protocol error');
    ws.close(provisionerdCloseProtocolError, reason.slice(0, 120));
  };
  ws.on('message', (data, isBinary) => {
    let frame: z.infer<typeof Frame>;
    try {
      if (isBinary) throw new Error('binary frames are not part of the protocol');
      frame = Frame.parse(JSON.parse((data as Buffer).toString('utf8')));
    } catch (err) {
      return protocolError(`malformed message: ${(err as Error).message.split('\n')[0]}`);
    }
    const run = async (): Promise<unknown> => {
      switch (frame.method) {
        case 'acquire': {
          const ac = new AbortController();
          acquires.set(frame.id, ac);
          try {
            return (await server.acquireJob(ac.signal)) ?? null;
          } finally {
            acquires.delete(frame.id);
          }
        }
        case 'cancel_acquire':
          for (const ac of acquires.values()) ac.abort();
          return null;
        case 'update':
          return server.updateJob(UpdateParams.parse(frame.params));
        case 'complete':
          return server.completeJob(CompleteParams.parse(frame.params)).then(() => null);
        case 'fail':
          return server.failJob(FailParams.parse(frame.params)).then(() => null);
      }
    };
    run().then(
      (result) => reply({ id: frame.id, result }),
      (err: unknown) => {
        if (err instanceof z.ZodError) return protocolError(`invalid ${frame.method} parameters`);
        const e = err instanceof HangarError ? err : undefined;
        if (!e) logger.error({ err }, 'provisioner daemon call failed');
        reply({
          id: frame.id,
          error: { code: e?.code ?? 'internal', message: e?.message ?? 'Internal error.', detail: e?.detail },
        });
      },
    );
  });
  const keyId = server.daemon.key_id;
  const forgetKey = keyId
    ? ctx.api.provisionerd.onKeyRevoked(keyId, () =>
        ws.close(provisionerdCloseKeyRevoked, 'the provisioner key was deleted'),
      )
    : () => {};
  ws.on('close', () => {
    forgetKey();
    for (const ac of acquires.values()) ac.abort();
  });
  ws.on('error', (err) => logger.warn({ err: err.message }, 'provisioner daemon socket error'));
}
