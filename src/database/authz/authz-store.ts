/**
 * The authorizing Store: the same interface as the database's Store, with every method checked
 * against the actor in context (Coder's dbauthz). src/coderd only ever holds this wrapper. The
 * `policies` object is typed so a new query cannot be added without a policy.
 */
import type { Store } from '../store.js';
import { type Policies, requireActor } from './policy.js';
import { identityPolicies } from './identity-policies.js';
import { provisionerPolicies } from './provisioner-policies.js';
import { templatePolicies } from './template-policies.js';
import { workspacePolicies } from './workspace-policies.js';
import { workspaceResourcePolicies } from './workspace-resource-policies.js';
import { workspaceAgentPolicies } from './workspace-agent-policies.js';
import { workspaceAppPolicies } from './workspace-app-policies.js';
import { replicaPolicies } from './replica-policies.js';

export const policies: Policies = {
  ...identityPolicies,
  ...provisionerPolicies,
  ...workspacePolicies,
  ...workspaceResourcePolicies,
  ...templatePolicies,
  ...workspaceAgentPolicies,
  ...workspaceAppPolicies,
  ...replicaPolicies,
};

/** Transaction stores are reused per connection (pgStore), and so are their wrappers. */
const txWrappers = new WeakMap<Store, Store>();

function authzTxStore(tx: Store): Store {
  let wrapped = txWrappers.get(tx);
  if (!wrapped) txWrappers.set(tx, (wrapped = authzStore(tx)));
  return wrapped;
}

export function authzStore(inner: Store): Store {
  const wrapped = {
    inTx: <T>(fn: (tx: Store) => Promise<T>) => inner.inTx((tx) => fn(authzTxStore(tx))),
  } as Store;
  for (const name of Object.keys(policies) as (keyof Policies)[]) {
    const policy = policies[name] as unknown as (ctx: object, ...args: unknown[]) => Promise<unknown>;
    const method = inner[name] as unknown as (...args: unknown[]) => Promise<unknown>;
    (wrapped as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) =>
      policy({ actor: requireActor(), inner, call: () => method.apply(inner, args) }, ...args);
  }
  return wrapped;
}
