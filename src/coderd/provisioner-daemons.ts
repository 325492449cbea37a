/** Provisioner daemon and key handlers: list daemons, create/list/delete keys. */
import { randomBytes, randomUUID } from 'node:crypto';
import { NotFound } from '../sdk/errors.js';
import {
  CreateProvisionerKeyRequest,
  type CreateProvisionerKeyResponse,
} from '../sdk/provisioner-daemons.js';
import { normalizeProvisionerTags } from '../sdk/provisioner-tags.js';
import { hashSecret } from './apikey.js';
import { readJson } from './httpapi/read.js';
import { writeJson } from './httpapi/write.js';
import { toProvisionerDaemon, toProvisionerKey } from './provisioner-convert.js';
import { organizationOf, type RequestContext } from './request-context.js';

export async function listProvisionerDaemons(ctx: RequestContext): Promise<void> {
  const rows = await ctx.api.store.listProvisionerDaemonsByOrganization(organizationOf(ctx).id);
  writeJson(
    ctx.res,
    200,
    rows.map((d) => toProvisionerDaemon(d)),
  );
}

/** Keys look like `<uuid>.<secret>`; only SHA-256 of the secret is stored. */
export function parseProvisionerKey(key: string): { id: string; secret: string } | undefined {
  const m = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{32})$/.exec(key);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

export async function createProvisionerKey(ctx: RequestContext): Promise<void> {
  const req = await readJson(ctx.req, CreateProvisionerKeyRequest);
  const id = randomUUID();
  const secret = randomBytes(24).toString('base64url');
  await ctx.api.store.insertProvisionerKey({
    id,
    organization_id: organizationOf(ctx).id,
    name: req.name,
    hashed_secret: hashSecret(secret),
    tags: normalizeProvisionerTags(req.tags),
  });
  const body: CreateProvisionerKeyResponse = { key: `${id}.${secret}` };
  writeJson(ctx.res, 201, body);
}

export async function listProvisionerKeys(ctx: RequestContext): Promise<void> {
  const rows = await ctx.api.store.listProvisionerKeysByOrganization(organizationOf(ctx).id);
  writeJson(ctx.res, 200, rows.map(toProvisionerKey));
}

export async function deleteProvisionerKey(ctx: RequestContext): Promise<void> {
  const key = await ctx.api.store.getProvisionerKeyByName(organizationOf(ctx).id, ctx.params.keyname ?? '');
  if (!key) throw new NotFound(`Provisioner key "${ctx.params.keyname}" not found.`);
  await ctx.api.store.deleteProvisionerKey(key.id);
  // Daemons connected with the key lose their socket now; reconnecting with it is refused.
  await ctx.api.provisionerd.publishKeyRevoked(key.id);
  writeJson(ctx.res, 204, undefined);
}
