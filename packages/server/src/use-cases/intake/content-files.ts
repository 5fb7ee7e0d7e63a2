import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/server/content: Markdown written for Keel (consent versions, education modules). */
export const contentRoot = fileURLToPath(new URL('../../../content/', import.meta.url));

export function readContentDir(folder: string): { file: string; text: string }[] {
  const dir = path.join(contentRoot, folder);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((file) => ({ file, text: fs.readFileSync(path.join(dir, file), 'utf8') }));
}

/** The first level-one heading of a Markdown document. */
export function markdownTitle(body: string): string | undefined {
  return /^# (.+)$/m.exec(body)?.[1]?.trim();
}
