import { readContentDir } from './content-files.ts';

export interface EducationModule {
  slug: string;
  title: string;
  /** Required modules must all be completed before the first session (the session gate checks). */
  required: boolean;
  order: number;
  minutes: number;
  /** Markdown, without the front matter. */
  body: string;
}

const frontMatter = /^---\n([\s\S]*?)\n---\n?([\s\S]*)$/;

function parseModule(file: string, text: string): EducationModule {
  const match = frontMatter.exec(text.replace(/\r\n/g, '\n'));
  if (!match) throw new Error(`content/education/${file} has no front matter`);
  const fields = new Map<string, string>();
  for (const line of (match[1] ?? '').split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const raw = line.slice(colon + 1).trim();
    fields.set(line.slice(0, colon).trim(), raw.replace(/^"(.*)"$/, '$1'));
  }
  const field = (name: string): string => {
    const value = fields.get(name);
    if (value === undefined || value === '') throw new Error(`content/education/${file}: front matter needs "${name}"`);
    return value;
  };
  const integer = (name: string): number => {
    const value = Number(field(name));
    if (!Number.isInteger(value) || value < 0) throw new Error(`content/education/${file}: "${name}" must be a whole number`);
    return value;
  };
  const required = field('required');
  if (required !== 'true' && required !== 'false') throw new Error(`content/education/${file}: "required" must be true or false`);
  const slug = field('slug');
  if (!/^[a-z0-9-]+$/.test(slug) || `${slug}.md` !== file) throw new Error(`content/education/${file}: slug must match the file name`);
  return { slug, title: field('title'), required: required === 'true', order: integer('order'), minutes: integer('minutes'), body: (match[2] ?? '').trim() + '\n' };
}

let cache: EducationModule[] | undefined;

/** The education modules (packages/server/content/education/*.md), in their `order`. */
export function educationModules(): readonly EducationModule[] {
  return (cache ??= readContentDir('education')
    .map(({ file, text }) => parseModule(file, text))
    .sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug)));
}

export function educationModule(slug: string): EducationModule | undefined {
  return educationModules().find((m) => m.slug === slug);
}

/** Slugs the patient must complete before the first session (read by the session gate). */
export function requiredEducationSlugs(): string[] {
  return educationModules()
    .filter((m) => m.required)
    .map((m) => m.slug);
}
