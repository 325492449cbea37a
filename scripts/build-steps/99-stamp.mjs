// Marks a finished build so `npm start` can tell whether dist/ is current.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export async function build({ root }) {
  writeFileSync(path.join(root, 'dist/.build-stamp'), new Date().toISOString() + '\n');
}
