// Letters and summaries as PDF with pdfkit's built-in Helvetica (no font files to ship or load).
import PDFDocument from 'pdfkit';

export type PdfBlock =
  | { kind: 'title'; text: string }
  | { kind: 'subtitle'; text: string }
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'fields'; rows: [label: string, value: string][] }
  | { kind: 'notice'; text: string };

export function renderPdf(meta: { title: string; createdAt: Date }, blocks: readonly PdfBlock[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'LETTER', margin: 56, info: { Title: meta.title, Author: 'Keel', Creator: 'Keel', CreationDate: meta.createdAt } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const width = doc.page.width - 112;
    for (const b of blocks) {
      switch (b.kind) {
        case 'title':
          doc.font('Helvetica-Bold').fontSize(18).fillColor('#0b3d5c').text(b.text, { width });
          doc.moveDown(0.3);
          break;
        case 'subtitle':
          doc.font('Helvetica').fontSize(10).fillColor('#555555').text(b.text, { width });
          doc.moveDown(0.8);
          break;
        case 'heading':
          doc.moveDown(0.5);
          doc.font('Helvetica-Bold').fontSize(12).fillColor('#0b3d5c').text(b.text, { width });
          doc.moveDown(0.25);
          break;
        case 'paragraph':
          doc.font('Helvetica').fontSize(10.5).fillColor('#000000').text(b.text, { width });
          doc.moveDown(0.4);
          break;
        case 'list':
          doc.font('Helvetica').fontSize(10.5).fillColor('#000000');
          for (const item of b.items) doc.text(`•  ${item}`, { width, indent: 8 });
          doc.moveDown(0.4);
          break;
        case 'fields':
          for (const [label, value] of b.rows) {
            doc.font('Helvetica-Bold').fontSize(10.5).fillColor('#000000').text(`${label}: `, { continued: true, width });
            doc.font('Helvetica').text(value, { width });
          }
          doc.moveDown(0.4);
          break;
        case 'notice':
          doc.font('Helvetica-Oblique').fontSize(9.5).fillColor('#7a1f1f').text(b.text, { width });
          doc.moveDown(0.4);
          break;
      }
    }
    doc.end();
  });
}
