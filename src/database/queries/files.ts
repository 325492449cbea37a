/** SQL for uploaded files (template archives), content-addressed per uploader. */
import { one, type Queryable } from '../db.js';
import type { FileRow } from '../models.js';

export interface InsertFileParams {
  id: string;
  hash: string;
  created_by: string;
  mimetype: string;
  data: Buffer;
}

export interface FileQueries {
  /** Inserts the file; undefined when this uploader already stored the same bytes (same hash). */
  insertFile(p: InsertFileParams): Promise<FileRow | undefined>;
  getFileById(id: string): Promise<FileRow | undefined>;
  getFileByHashAndCreator(hash: string, createdBy: string): Promise<FileRow | undefined>;
}

export function fileQueries(db: Queryable): FileQueries {
  return {
    insertFile: (p) =>
      one(
        db,
        `INSERT INTO files (id, hash, created_by, mimetype, data) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (hash, created_by) DO NOTHING RETURNING *`,
        [p.id, p.hash, p.created_by, p.mimetype, p.data],
      ),
    getFileById: (id) => one(db, `SELECT * FROM files WHERE id = $1`, [id]),
    getFileByHashAndCreator: (hash, createdBy) =>
      one(db, `SELECT * FROM files WHERE hash = $1 AND created_by = $2`, [hash, createdBy]),
  };
}
