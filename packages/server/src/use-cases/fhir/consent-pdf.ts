import { renderPdf, type PdfBlock } from '../continuity/pdf.ts';
import { consentVersion } from '../intake/consent-document.ts';

/** The consent's Markdown as PDF blocks: `#` title, `##` headings, `-` lists, paragraphs; emphasis marks dropped. */
export function markdownBlocks(markdown: string): PdfBlock[] {
  const plain = (s: string) => s.replace(/\*\*([^*]+)\*\*/g, '$1').replace(/\*([^*]+)\*/g, '$1').replace(/`([^`]+)`/g, '$1').trim();
  const blocks: PdfBlock[] = [];
  let paragraph: string[] = [];
  let list: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push({ kind: 'paragraph', text: plain(paragraph.join(' ')) });
    if (list.length) blocks.push({ kind: 'list', items: list.map(plain) });
    paragraph = [];
    list = [];
  };
  for (const line of markdown.split('\n')) {
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const item = /^\s*[-*]\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      blocks.push({ kind: heading[1] === '#' ? 'title' : 'heading', text: plain(heading[2] ?? '') });
    } else if (item) {
      if (paragraph.length) flush();
      list.push(item[1] ?? '');
    } else if (line.trim() === '') {
      flush();
    } else if (list.length && /^\s+/.test(line)) {
      list[list.length - 1] += ` ${line.trim()}`;
    } else {
      if (list.length) flush();
      paragraph.push(line.trim());
    }
  }
  flush();
  return blocks;
}

/**
 * The signed consent as the PDF a receiving system attaches: the document of that version, with who signed it and
 * when. Null when the version's text is not in this release (it always is: versions are never removed).
 */
export async function consentPdfBase64(version: number, signerName: string, signedAt: Date): Promise<{ title: string; base64: string } | null> {
  const document = consentVersion(version);
  if (!document) return null;
  const pdf = await renderPdf({ title: document.title, createdAt: signedAt }, [
    ...markdownBlocks(document.body),
    { kind: 'heading', text: 'Signature' },
    {
      kind: 'fields',
      rows: [
        ['Signed electronically by', signerName],
        ['Signed at', signedAt.toISOString()],
        ['Document version', String(version)],
        ['SHA-256 of the signed text', document.sha256],
      ],
    },
  ]);
  return { title: document.title, base64: pdf.toString('base64') };
}
