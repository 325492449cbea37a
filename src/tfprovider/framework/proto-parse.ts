/**
 * Parses the .proto files beside this module into a JSON descriptor. Used from dist/ and by the
 * build step; the bundled provider never loads this module or the proto parser.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INamespace } from 'protobufjs';
import protobuf from 'protobufjs';
import { protoFiles } from './proto-root.js';

export const protoDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'proto');

export function parseProtoFiles(dir = protoDir): INamespace {
  const root = new protobuf.Root();
  for (const file of protoFiles) {
    protobuf.parse(readFileSync(join(dir, file), 'utf8'), root, { keepCase: true });
  }
  return root.toJSON();
}
