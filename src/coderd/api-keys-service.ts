/** Creating sessions and named tokens for a user, within the deployment's lifetime limits. */
import { Conflict, InvalidInput } from '../sdk/errors.js';
import type { APIKeyScope, LoginType } from '../sdk/users.js';
import type { DeploymentValues } from '../sdk/deployment-options.js';
import type { Store } from '../database/store.js';
import type { APIKeyRow } from '../database/models.js';
import { generateApiKey } from './apikey.js';

export class ApiKeysService {
  constructor(
    private readonly store: Store,
    private readonly values: Pick<
      DeploymentValues,
      'sessionDurationMs' | 'defaultTokenLifetimeMs' | 'maxTokenLifetimeMs'
    >,
  ) {}

  /** A login session (sliding expiry). */
  async createSession(userId: string, ip: string | null): Promise<{ token: string; key: APIKeyRow }> {
    return this.insert(userId, 'password', this.values.sessionDurationMs, 'all', '', ip);
  }

  /** A key that may only open workspace apps (the app-domain cookie of subdomain apps, §8.3). */
  async createApplicationConnectKey(
    userId: string,
    ip: string | null,
  ): Promise<{ token: string; key: APIKeyRow }> {
    return this.insert(userId, 'password', this.values.sessionDurationMs, 'application_connect', '', ip);
  }

  /** A named long-lived token; `lifetimeNs` as Coder's Go duration on the wire. */
  async createToken(
    userId: string,
    name: string,
    lifetimeNs: number | undefined,
    scope: APIKeyScope = 'all',
  ): Promise<{ token: string; key: APIKeyRow }> {
    const lifetimeMs =
      lifetimeNs === undefined ? this.values.defaultTokenLifetimeMs : Math.floor(lifetimeNs / 1e6);
    if (lifetimeMs < 1000) throw InvalidInput.field('lifetime', 'Must be at least one second.');
    if (lifetimeMs > this.values.maxTokenLifetimeMs) {
      const maxHours = Math.floor(this.values.maxTokenLifetimeMs / 3_600_000);
      throw InvalidInput.field(
        'lifetime',
        `Must be at most ${maxHours}h (the deployment's maximum token lifetime).`,
      );
    }
    if (await this.store.getTokenByName(userId, name)) {
      throw new Conflict(`A token named "${name}" already exists.`, {
        validations: [{ field: 'token_name', detail: 'A token with this name already exists.' }],
      });
    }
    return this.insert(userId, 'token', lifetimeMs, scope, name, null);
  }

  private async insert(
    userId: string,
    loginType: LoginType,
    lifetimeMs: number,
    scope: APIKeyScope,
    tokenName: string,
    ip: string | null,
  ): Promise<{ token: string; key: APIKeyRow }> {
    const k = generateApiKey();
    const key = await this.store.insertAPIKey({
      id: k.id,
      hashed_secret: k.hashedSecret,
      user_id: userId,
      expires_at: new Date(Date.now() + lifetimeMs),
      lifetime_seconds: Math.floor(lifetimeMs / 1000),
      login_type: loginType,
      scope,
      token_name: tokenName,
      ip_address: ip,
    });
    return { token: k.token, key };
  }
}
