/** User, session and token calls of the API client. */
import type { Client } from './client.js';
import type {
  APIKey,
  AssignableRole,
  CreateFirstUserRequest,
  CreateFirstUserResponse,
  CreateTokenRequest,
  CreateUserRequest,
  GenerateAPIKeyResponse,
  GetUsersResponse,
  LoginWithPasswordRequest,
  LoginWithPasswordResponse,
  TokenConfig,
  UpdateUserPasswordRequest,
  User,
} from './users.js';

const seg = encodeURIComponent;

export class UsersClient {
  constructor(private readonly client: Client) {}

  /** Whether the deployment has its first user; Coder answers 404 until then. */
  async hasFirstUser(): Promise<boolean> {
    try {
      await this.client.request('GET', '/users/first');
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'not_found') return false;
      throw err;
    }
  }

  createFirstUser(req: CreateFirstUserRequest): Promise<CreateFirstUserResponse> {
    return this.client.request('POST', '/users/first', req);
  }

  login(req: LoginWithPasswordRequest): Promise<LoginWithPasswordResponse> {
    return this.client.request('POST', '/users/login', req);
  }

  logout(): Promise<void> {
    return this.client.request('POST', '/users/logout');
  }

  get(user = 'me'): Promise<User> {
    return this.client.request('GET', `/users/${seg(user)}`);
  }

  list(query: { q?: string; limit?: number; offset?: number } = {}): Promise<GetUsersResponse> {
    return this.client.request('GET', '/users', undefined, { query });
  }

  create(req: CreateUserRequest): Promise<User> {
    return this.client.request('POST', '/users', req);
  }

  delete(user: string): Promise<void> {
    return this.client.request('DELETE', `/users/${seg(user)}`);
  }

  suspend(user: string): Promise<User> {
    return this.client.request('PUT', `/users/${seg(user)}/status/suspend`);
  }

  activate(user: string): Promise<User> {
    return this.client.request('PUT', `/users/${seg(user)}/status/activate`);
  }

  updatePassword(user: string, req: UpdateUserPasswordRequest): Promise<void> {
    return this.client.request('PUT', `/users/${seg(user)}/password`, req);
  }

  updateRoles(user: string, roles: string[]): Promise<User> {
    return this.client.request('PUT', `/users/${seg(user)}/roles`, { roles });
  }

  assignableRoles(): Promise<AssignableRole[]> {
    return this.client.request('GET', '/users/roles');
  }

  createToken(user: string, req: CreateTokenRequest): Promise<GenerateAPIKeyResponse> {
    return this.client.request('POST', `/users/${seg(user)}/keys/tokens`, req);
  }

  listTokens(user: string): Promise<APIKey[]> {
    return this.client.request('GET', `/users/${seg(user)}/keys/tokens`);
  }

  tokenConfig(user: string): Promise<TokenConfig> {
    return this.client.request('GET', `/users/${seg(user)}/keys/tokens/tokenconfig`);
  }

  getToken(user: string, name: string): Promise<APIKey> {
    return this.client.request('GET', `/users/${seg(user)}/keys/tokens/${seg(name)}`);
  }

  deleteKey(user: string, keyId: string): Promise<void> {
    return this.client.request('DELETE', `/users/${seg(user)}/keys/${seg(keyId)}`);
  }
}
