/**
 * Loads the protocol's message types and turns each service into a grpc-js service definition
 * with protobufjs (de)serialisers. The bundle carries the protos pre-parsed as JSON (injected by
 * scripts/build-steps/20-tfprovider.mjs) so a provider start does not parse .proto text; from
 * dist/ the .proto files beside this module are parsed instead.
 */
import type { ServiceDefinition } from '@grpc/grpc-js';
import type { INamespace, Root, Type } from 'protobufjs';
import protobuf from 'protobufjs/light.js';

// Replaced with the parsed descriptor by the bundler; undeclared when running from dist/.
declare const HANGAR_TFPROVIDER_PROTO: INamespace | undefined;

export const protoFiles = ['tfplugin6.proto', 'go-plugin.proto'] as const;

let cached: Root | undefined;

export async function loadProtoRoot(): Promise<Root> {
  if (cached) return cached;
  if (typeof HANGAR_TFPROVIDER_PROTO !== 'undefined') {
    cached = protobuf.Root.fromJSON(HANGAR_TFPROVIDER_PROTO);
  } else {
    const { parseProtoFiles } = await import('./proto-parse.js');
    cached = protobuf.Root.fromJSON(parseProtoFiles());
  }
  return cached;
}

/** A grpc-js definition for `serviceName`; requests arrive as decoded protobufjs messages. */
export function serviceDefinition(root: Root, serviceName: string): ServiceDefinition {
  const service = root.lookupService(serviceName);
  const path = service.fullName.replace(/^\./, '');
  const def: Record<string, unknown> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const req = method.resolvedRequestType as Type;
    const res = method.resolvedResponseType as Type;
    def[method.name] = {
      path: `/${path}/${method.name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
      originalName: method.name,
      requestSerialize: (v: object) => Buffer.from(req.encode(req.fromObject(v)).finish()),
      requestDeserialize: (b: Buffer) => req.decode(b),
      responseSerialize: (v: object) => Buffer.from(res.encode(res.fromObject(v)).finish()),
      responseDeserialize: (b: Buffer) => res.decode(b),
    };
  }
  return def as ServiceDefinition;
}
