/**
 * The tfplugin6.Provider service: decodes each request against the right schema, runs the
 * framework rules and the provider's hooks, and encodes the answer. Nothing a request contains
 * can make an RPC fail: every problem, including a bug here, becomes an error diagnostic.
 */
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from '../../sdk/logger.js';
import { CodecError } from '../cty/codec-error.js';
import { fromJson } from '../cty/json.js';
import { fromMsgpack, toMsgpack } from '../cty/msgpack.js';
import type { CtyType } from '../cty/type.js';
import { isObject, type ObjectValue, type Value } from '../cty/value.js';
import { applyDefaults, runValidators, unknownsToNull } from './block-values.js';
import { Diagnostics, toProtoDiagnostics, toProtoPath } from './diagnostics.js';
import { planChange } from './plan.js';
import type { HookContext, ProviderDef } from './provider.js';
import { impliedType, type Schema } from './schema.js';
import { toProtoSchema } from './schema-proto.js';

interface DynamicValueMsg {
  msgpack?: Uint8Array;
  json?: Uint8Array;
}
type Request = Record<string, unknown> & { type_name?: string };

const typeCache = new WeakMap<Schema, CtyType>();
function typeOf(schema: Schema): CtyType {
  let t = typeCache.get(schema);
  if (!t) typeCache.set(schema, (t = impliedType(schema.block)));
  return t;
}

function decodeValue(schema: Schema, dv: unknown): Value {
  const msg = (dv ?? {}) as DynamicValueMsg;
  if (msg.json && msg.json.length > 0)
    return fromJson(typeOf(schema), JSON.parse(Buffer.from(msg.json).toString()));
  return fromMsgpack(typeOf(schema), msg.msgpack);
}

function encodeValue(schema: Schema, value: Value): DynamicValueMsg {
  return { msgpack: toMsgpack(typeOf(schema), value) };
}

export function providerService<M>(
  provider: ProviderDef<M>,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): UntypedServiceImplementation {
  let meta: M | undefined;
  let schemaResponse: object | undefined;

  const context = (diags: Diagnostics): HookContext<M> => {
    // Terraform configures before planning or applying; this covers a client that does not.
    meta ??= provider.configure(applyDefaults(provider.schema.block, {}) as ObjectValue, env, diags);
    return { meta, env, diags };
  };

  function lookup<T>(kind: 'resource' | 'data source', table: Record<string, T>, name: unknown): T {
    const def = table[String(name)];
    if (!def)
      throw new UserError(
        `Unknown ${kind} type`,
        `The ${provider.name} provider has no ${kind} "${String(name)}".`,
      );
    return def;
  }

  function validate(
    schema: Schema,
    config: Value,
    diags: Diagnostics,
    hook?: (c: ObjectValue, d: Diagnostics) => void,
  ) {
    runValidators(schema.block, config, diags);
    if (hook && isObject(config)) hook(config, diags);
  }

  const handlers: Record<string, (req: Request, diags: Diagnostics) => object> = {
    GetMetadata: () => ({
      server_capabilities: { plan_destroy: false, get_provider_schema_optional: false },
      resources: Object.keys(provider.resources).map((type_name) => ({ type_name })),
      data_sources: Object.keys(provider.dataSources).map((type_name) => ({ type_name })),
    }),

    GetProviderSchema: () => (schemaResponse ??= buildSchemaResponse(provider)),

    ValidateProviderConfig: (req, diags) => {
      validate(provider.schema, decodeValue(provider.schema, req.config), diags, provider.validate);
      return {};
    },

    ValidateResourceConfig: (req, diags) => {
      const def = lookup('resource', provider.resources, req.type_name);
      validate(def.schema, decodeValue(def.schema, req.config), diags, def.validate?.bind(def));
      return {};
    },

    ValidateDataResourceConfig: (req, diags) => {
      const def = lookup('data source', provider.dataSources, req.type_name);
      validate(def.schema, decodeValue(def.schema, req.config), diags, def.validate?.bind(def));
      return {};
    },

    ConfigureProvider: (req, diags) => {
      const config = applyDefaults(provider.schema.block, decodeValue(provider.schema, req.config) ?? {});
      meta = provider.configure(config as ObjectValue, env, diags);
      return {};
    },

    UpgradeResourceState: (req) => {
      const def = lookup('resource', provider.resources, req.type_name);
      const raw = (req.raw_state ?? {}) as { json?: Uint8Array; flatmap?: Record<string, string> };
      if (!raw.json || raw.json.length === 0) {
        if (raw.flatmap && Object.keys(raw.flatmap).length > 0) {
          throw new UserError(
            'Unsupported state format',
            'State in the pre-0.12 flatmap format cannot be upgraded.',
          );
        }
        return { upgraded_state: encodeValue(def.schema, null) };
      }
      let json = JSON.parse(Buffer.from(raw.json).toString()) as Record<string, unknown>;
      const version = Number(req.version ?? 0);
      if (version > def.schema.version) {
        throw new UserError(
          'Resource state is from a newer provider',
          `The state has schema version ${version}; this provider only knows versions up to ${def.schema.version}.`,
        );
      }
      if (version < def.schema.version && def.upgrade) json = def.upgrade(version, json);
      // Attributes an older schema had and this one dropped are discarded, as Terraform's SDKs do.
      return {
        upgraded_state: encodeValue(def.schema, fromJson(typeOf(def.schema), json, { lenient: true })),
      };
    },

    ReadResource: (req, diags) => {
      const def = lookup('resource', provider.resources, req.type_name);
      const current = decodeValue(def.schema, req.current_state);
      const state = isObject(current) && def.read ? def.read(current, context(diags)) : current;
      return { new_state: encodeValue(def.schema, state), private: req.private };
    },

    PlanResourceChange: (req, diags) => {
      const def = lookup('resource', provider.resources, req.type_name);
      const proposed = decodeValue(def.schema, req.proposed_new_state);
      if (!isObject(proposed)) {
        return { planned_state: encodeValue(def.schema, null), legacy_type_system: true };
      }
      const prior = decodeValue(def.schema, req.prior_state);
      const { planned, requiresReplace } = planChange(def.schema.block, prior, proposed);
      def.plan?.(planned, context(diags));
      return {
        planned_state: encodeValue(def.schema, planned),
        requires_replace: requiresReplace.map(toProtoPath),
        planned_private: req.prior_private,
        legacy_type_system: true,
      };
    },

    ApplyResourceChange: (req, diags) => {
      const def = lookup('resource', provider.resources, req.type_name);
      const planned = decodeValue(def.schema, req.planned_state);
      if (!isObject(planned)) return { new_state: encodeValue(def.schema, null), legacy_type_system: true };
      const prior = decodeValue(def.schema, req.prior_state);
      const created = isObject(prior) ? planned : def.create(planned, context(diags));
      if (diags.hasErrors) return {};
      return { new_state: encodeValue(def.schema, unknownsToNull(created)), legacy_type_system: true };
    },

    ImportResourceState: (req) => {
      throw new UserError(
        'Import is not supported',
        `${String(req.type_name)} exists only in Terraform state; there is nothing to import. Declare it in the configuration instead.`,
      );
    },

    ReadDataSource: (req, diags) => {
      const def = lookup('data source', provider.dataSources, req.type_name);
      const config = applyDefaults(def.schema.block, decodeValue(def.schema, req.config));
      const state = def.read(config as ObjectValue, context(diags));
      if (diags.hasErrors) return {};
      return { state: encodeValue(def.schema, unknownsToNull(state)) };
    },

    StopProvider: () => ({ Error: '' }),
  };

  const service: UntypedServiceImplementation = {};
  for (const [method, handler] of Object.entries(handlers)) {
    service[method] = (call: { request: Request }, callback: (err: null, res: object) => void) => {
      const started = performance.now();
      const diags = new Diagnostics();
      let response: object;
      try {
        response = handler(call.request, diags);
      } catch (err) {
        response = {};
        reportError(err, diags);
        if (!(err instanceof UserError || err instanceof CodecError)) {
          logger.error({ err, method, type: call.request.type_name }, 'provider RPC failed');
        }
      }
      const ms = Math.round((performance.now() - started) * 10) / 10;
      logger.debug({ method, type: call.request.type_name, ms, diagnostics: diags.items.length }, 'rpc');
      callback(null, { ...response, diagnostics: toProtoDiagnostics(diags) });
    };
  }
  return service;
}

function buildSchemaResponse<M>(provider: ProviderDef<M>): object {
  const map = (defs: Record<string, { schema: Schema }>) =>
    Object.fromEntries(Object.entries(defs).map(([name, d]) => [name, toProtoSchema(d.schema)]));
  return {
    provider: toProtoSchema(provider.schema),
    resource_schemas: map(provider.resources),
    data_source_schemas: map(provider.dataSources),
    server_capabilities: { plan_destroy: false, get_provider_schema_optional: false },
  };
}

/** A problem with the request that the user should read, as opposed to a bug. */
export class UserError extends Error {
  constructor(
    readonly summary: string,
    readonly detail: string,
  ) {
    super(`${summary}: ${detail}`);
  }
}

function reportError(err: unknown, diags: Diagnostics): void {
  if (err instanceof UserError) diags.error(err.summary, err.detail);
  else if (err instanceof CodecError) {
    diags.error(
      'Invalid value from Terraform',
      `The provider could not decode a value: ${err.message}.`,
      err.path,
    );
  } else {
    const message = err instanceof Error ? err.message : String(err);
    diags.error('Internal error in the provider', `This is a bug in Hangar's coder provider: ${message}`);
  }
}
