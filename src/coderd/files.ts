/**
 * Template archives: `POST /files` stores a tar once per uploader and content (the same bytes give
 * the same id), after validating it whole so a hostile archive is refused with nothing stored;
 * `GET /files/{id}` returns the bytes to their uploader and template admins.
 */
import { createHash, randomUUID } from 'node:crypto';
import { InvalidInput, NotFound, PayloadTooLarge } from '../sdk/errors.js';
import { readTemplateArchive } from '../sdk/template-archive.js';
import { maxTemplateArchiveBytes, type UploadResponse } from '../sdk/templates.js';
import { isUuid } from '../sdk/validation.js';
import { readBody } from './httpapi/read.js';
import { writeJson } from './httpapi/write.js';
import { authOf, type RequestContext } from './request-context.js';

const tarMimeType = 'application/x-tar';

export async function uploadFile(ctx: RequestContext): Promise<void> {
  const contentType = (ctx.req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== tarMimeType) {
    ctx.req.resume();
    throw InvalidInput.field('Content-Type', `Must be "${tarMimeType}", got "${contentType || 'none'}".`);
  }
  const data = await readBody(ctx.req, maxTemplateArchiveBytes).catch((err: unknown) => {
    if (!(err instanceof PayloadTooLarge)) throw err;
    throw new PayloadTooLarge(
      `The template archive is larger than the limit of ${maxTemplateArchiveBytes >> 20} MiB.`,
      { detail: 'Remove large files (build outputs, binaries) from the template directory.' },
    );
  });
  if (data.length === 0) throw InvalidInput.field('file', 'The archive is empty.');
  await readTemplateArchive(data);
  const userId = authOf(ctx).user.id;
  const hash = createHash('sha256').update(data).digest('hex');
  const { store } = ctx.api;
  const existing = await store.getFileByHashAndCreator(hash, userId);
  // A concurrent upload of the same bytes may win the insert; then its row is the answer.
  const inserted = existing
    ? undefined
    : await store.insertFile({ id: randomUUID(), hash, created_by: userId, mimetype: tarMimeType, data });
  const file = existing ?? inserted ?? (await store.getFileByHashAndCreator(hash, userId))!;
  const body: UploadResponse = { hash: file.id };
  writeJson(ctx.res, inserted ? 201 : 200, body);
}

export async function getFile(ctx: RequestContext): Promise<void> {
  const id = ctx.params.fileID ?? '';
  const file = isUuid(id) ? await ctx.api.store.getFileById(id) : undefined;
  if (!file) throw new NotFound(`File "${id}" not found.`);
  ctx.res.statusCode = 200;
  ctx.res.setHeader('Content-Type', file.mimetype);
  ctx.res.setHeader('Content-Length', file.data.length);
  ctx.res.end(file.data);
}
