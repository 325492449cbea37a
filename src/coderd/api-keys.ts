/** Token handlers: named long-lived tokens and session keys of a user. */
import { randomBytes } from 'node:crypto';
import { CreateTokenRequest, type GenerateAPIKeyResponse, type TokenConfig } from '../sdk/users.js';
import { NotFound } from '../sdk/errors.js';
import { toAPIKey } from './convert.js';
import { readJson } from './httpapi/read.js';
import { writeJson } from './httpapi/write.js';
import { userOf, type RequestContext } from './request-context.js';

export async function createToken(ctx: RequestContext): Promise<void> {
  const req = await readJson(ctx.req, CreateTokenRequest);
  // Coder names unnamed tokens itself so that every token can be listed and removed by name.
  const name = req.token_name || `token-${randomBytes(4).toString('hex')}`;
  const { token } = await ctx.api.apiKeys.createToken(userOf(ctx).id, name, req.lifetime, req.scope);
  const body: GenerateAPIKeyResponse = { key: token };
  writeJson(ctx.res, 201, body);
}

/** POST /users/{user}/keys — a new session key (Coder's "generate API key"). */
export async function createSessionKey(ctx: RequestContext): Promise<void> {
  const { token } = await ctx.api.apiKeys.createSession(userOf(ctx).id, ctx.req.socket.remoteAddress ?? null);
  const body: GenerateAPIKeyResponse = { key: token };
  writeJson(ctx.res, 201, body);
}

export async function listTokens(ctx: RequestContext): Promise<void> {
  const keys = await ctx.api.store.listTokensByUser(userOf(ctx).id);
  writeJson(ctx.res, 200, keys.map(toAPIKey));
}

export async function tokenConfig(ctx: RequestContext): Promise<void> {
  const body: TokenConfig = { max_token_lifetime: ctx.api.values.maxTokenLifetimeMs * 1e6 };
  writeJson(ctx.res, 200, body);
}

export async function getTokenByName(ctx: RequestContext): Promise<void> {
  const key = await ctx.api.store.getTokenByName(userOf(ctx).id, ctx.params.keyname ?? '');
  if (!key) throw new NotFound(`Token "${ctx.params.keyname}" not found.`);
  writeJson(ctx.res, 200, toAPIKey(key));
}

async function keyOfUser(ctx: RequestContext) {
  const key = await ctx.api.store.getAPIKeyById(ctx.params.keyid ?? '');
  if (!key || key.user_id !== userOf(ctx).id) throw new NotFound('API key not found.');
  return key;
}

export async function getKey(ctx: RequestContext): Promise<void> {
  writeJson(ctx.res, 200, toAPIKey(await keyOfUser(ctx)));
}

export async function deleteKey(ctx: RequestContext): Promise<void> {
  const key = await keyOfUser(ctx);
  await ctx.api.store.deleteAPIKey(key.id);
  writeJson(ctx.res, 204, undefined);
}
