/**
 * Reads and validates request bodies: a size limit, JSON syntax, then the zod schema from src/sdk.
 * Every problem becomes InvalidInput with validations naming the field, before any write happens.
 */
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { InvalidInput, PayloadTooLarge, type ValidationError } from '../../sdk/errors.js';

export const defaultJsonLimit = 1 << 20;

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    throw new PayloadTooLarge(`The request body is larger than the limit of ${limit} bytes.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw new PayloadTooLarge(`The request body is larger than the limit of ${limit} bytes.`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Turns zod issues into Coder-style validations (`field` is the dotted path). */
export function zodValidations(error: z.ZodError): ValidationError[] {
  const out: ValidationError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ field: [...issue.path, key].join('.'), detail: 'Unknown field.' });
      continue;
    }
    const field = issue.path.join('.') || '(body)';
    let detail = issue.message;
    if (issue.code === 'invalid_type')
      detail = `Must be ${issue.expected}${issue.input === undefined ? ' (required)' : ''}.`;
    out.push({ field, detail });
  }
  return out;
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what = 'request body'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const validations = zodValidations(result.error);
  const fields = [...new Set(validations.map((v) => v.field))].join(', ');
  throw new InvalidInput(`Invalid ${what}: check ${fields}.`, { validations });
}

export async function readJson<S extends z.ZodType>(
  req: IncomingMessage,
  schema: S,
  limit = defaultJsonLimit,
): Promise<z.infer<S>> {
  const raw = await readBody(req, limit);
  let value: unknown;
  try {
    value = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new InvalidInput('The request body is not valid JSON.', { detail: (err as Error).message });
  }
  return parseWith(schema, value);
}
