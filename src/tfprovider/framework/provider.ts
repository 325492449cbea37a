/**
 * What a provider built on this framework supplies: schemas plus a few hooks. The framework
 * (./provider-service.ts) does the protocol, the codec, defaults, validators and planning rules.
 */
import type { ObjectValue } from '../cty/value.js';
import type { Diagnostics } from './diagnostics.js';
import type { Schema } from './schema.js';

/** Handed to every hook; `meta` is what `configure` returned, `env` the provider's environment. */
export interface HookContext<M> {
  meta: M;
  env: NodeJS.ProcessEnv;
  diags: Diagnostics;
}

export interface ResourceDef<M> {
  schema: Schema;
  /** Checks beyond single-attribute validators; the config may contain unknowns. */
  validate?(config: ObjectValue, diags: Diagnostics): void;
  /** Adjusts a planned value (defaults applied, computed attributes unknown on create). */
  plan?(planned: ObjectValue, ctx: HookContext<M>): void;
  /** Fills the computed values of a new object; returns the new state. */
  create(planned: ObjectValue, ctx: HookContext<M>): ObjectValue;
  /** Refreshes stored state (default: unchanged, since Coder's objects live only in state). */
  read?(state: ObjectValue, ctx: HookContext<M>): ObjectValue;
  /** Converts state stored by an older schema version to the current one. */
  upgrade?(version: number, state: Record<string, unknown>): Record<string, unknown>;
}

export interface DataSourceDef<M> {
  schema: Schema;
  validate?(config: ObjectValue, diags: Diagnostics): void;
  /** Returns the data source's state; the config has defaults applied and no unknowns. */
  read(config: ObjectValue, ctx: HookContext<M>): ObjectValue;
}

export interface ProviderDef<M> {
  /** Name used in logs and messages, e.g. "coder". */
  name: string;
  schema: Schema;
  validate?(config: ObjectValue, diags: Diagnostics): void;
  /** Turns the provider block (defaults applied) into the meta every hook receives. */
  configure(config: ObjectValue, env: NodeJS.ProcessEnv, diags: Diagnostics): M;
  resources: Record<string, ResourceDef<M>>;
  dataSources: Record<string, DataSourceDef<M>>;
}
