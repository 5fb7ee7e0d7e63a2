import { sha256Hex } from '../../auth/tokens.ts';
import { markdownTitle, readContentDir } from './content-files.ts';

export interface ConsentDocument {
  version: number;
  /** SHA-256 of the exact Markdown text: what a consent signature is bound to. */
  sha256: string;
  title: string;
  body: string;
}

const fileName = /^consent-v([1-9]\d*)\.md$/;

function loadConsentDocuments(): ConsentDocument[] {
  const documents = readContentDir('consent').flatMap(({ file, text }) => {
    const match = fileName.exec(file);
    if (!match) return [];
    const title = markdownTitle(text);
    if (!title) throw new Error(`content/consent/${file} has no "# " title`);
    return [{ version: Number(match[1]), sha256: sha256Hex(text), title, body: text }];
  });
  if (documents.length === 0) throw new Error('content/consent holds no consent-v<N>.md document');
  return documents.sort((a, b) => a.version - b.version);
}

let cache: ConsentDocument[] | undefined;

/** Every consent version in the repository, oldest first. Read once; a new version ships with a new release. */
export function consentDocuments(): readonly ConsentDocument[] {
  return (cache ??= loadConsentDocuments());
}

/**
 * The consent in force: the highest `consent-v<N>.md` in packages/server/content/consent. The session gate
 * compares `consent_signatures.version` with this version, so publishing a new version asks everyone to sign again
 * before their next session.
 */
export function currentConsent(): ConsentDocument {
  const all = consentDocuments();
  const latest = all[all.length - 1];
  if (!latest) throw new Error('no consent document');
  return latest;
}

export function consentVersion(version: number): ConsentDocument | undefined {
  return consentDocuments().find((d) => d.version === version);
}
