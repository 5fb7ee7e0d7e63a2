// Letters and summaries as PDF with pdfkit's built-in Helvetica (no font files to ship or load).
import PDFDocument from 'pdfkit';

export type PdfBlock =
  | { kind: 'title'; text: string }
  | { kind: 'subtitle'; text: string }
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'fields'; rows: [label: string, value: string][] }
  | { kind: 'notice'; text: string }
  | { kind: 'pageBreak' }
  | { kind: 'table'; header: string[]; rows: string[][] }
  | LineChartBlock
  | BarChartBlock;

/** Lines over a numeric x axis (a trajectory, a Kaplan–Meier step curve), with an optional shaded band. */
export interface LineChartBlock {
  kind: 'lineChart';
  title: string;
  xLabel: string;
  yLabel: string;
  xMax: number;
  yMax: number;
  lines: { points: [x: number, y: number][]; color: string; width: number; step?: boolean }[];
  band?: { x: number; low: number; high: number }[];
}

/** Proportions as horizontal bars (0–100 %) with their confidence interval drawn as a whisker. */
export interface BarChartBlock {
  kind: 'barChart';
  title: string;
  items: { label: string; estimate: number | null; lower: number | null; upper: number | null; note: string }[];
}

type Doc = InstanceType<typeof PDFDocument>;
const INK = '#000000';
const AXIS = '#555555';

function ensureRoom(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

function drawLineChart(doc: Doc, b: LineChartBlock, width: number): void {
  const height = 170;
  ensureRoom(doc, height + 50);
  doc.font('Helvetica-Bold').fontSize(10).fillColor(INK).text(b.title, { width });
  const left = doc.page.margins.left + 34;
  const top = doc.y + 6;
  const plotWidth = width - 44;
  const x = (v: number) => left + (Math.max(0, Math.min(v, b.xMax)) / (b.xMax || 1)) * plotWidth;
  const y = (v: number) => top + height - (Math.max(0, Math.min(v, b.yMax)) / (b.yMax || 1)) * height;
  if (b.band && b.band.length > 1) {
    const upper = b.band.map((p) => [x(p.x), y(p.high)] as const);
    const lower = [...b.band].reverse().map((p) => [x(p.x), y(p.low)] as const);
    const [first, ...rest] = [...upper, ...lower];
    if (first) {
      doc.moveTo(first[0], first[1]);
      for (const [px, py] of rest) doc.lineTo(px, py);
      doc.closePath().fillOpacity(0.18).fill('#1c7ed6').fillOpacity(1);
    }
  }
  for (const line of b.lines) {
    const [start, ...points] = line.points;
    if (!start) continue;
    doc.moveTo(x(start[0]), y(start[1]));
    let previousY = start[1];
    for (const [px, py] of points) {
      if (line.step) doc.lineTo(x(px), y(previousY));
      doc.lineTo(x(px), y(py));
      previousY = py;
    }
    doc.lineWidth(line.width).strokeColor(line.color).stroke();
  }
  doc.lineWidth(0.8).strokeColor(AXIS).moveTo(left, top).lineTo(left, top + height).lineTo(left + plotWidth, top + height).stroke();
  doc.font('Helvetica').fontSize(8).fillColor(AXIS);
  for (const tick of [0, 0.5, 1]) {
    doc.text(String(Math.round(b.yMax * tick * 10) / 10), left - 32, y(b.yMax * tick) - 4, { width: 28, align: 'right' });
    doc.text(String(Math.round(b.xMax * tick)), x(b.xMax * tick) - 15, top + height + 3, { width: 30, align: 'center' });
  }
  doc.text(b.xLabel, left, top + height + 14, { width: plotWidth, align: 'center' });
  doc.text(b.yLabel, doc.page.margins.left, top - 2, { width: 120 });
  doc.x = doc.page.margins.left;
  doc.y = top + height + 30;
}

function drawBarChart(doc: Doc, b: BarChartBlock, width: number): void {
  const row = 16;
  ensureRoom(doc, 30 + row * b.items.length);
  doc.font('Helvetica-Bold').fontSize(10).fillColor(INK).text(b.title, { width });
  const labelWidth = 150;
  const left = doc.page.margins.left + labelWidth;
  const barWidth = width - labelWidth - 120;
  let top = doc.y + 4;
  for (const item of b.items) {
    doc.font('Helvetica').fontSize(8.5).fillColor(INK).text(item.label, doc.page.margins.left, top + 3, { width: labelWidth - 6 });
    doc.rect(left, top + 2, barWidth, row - 5).lineWidth(0.5).strokeColor('#cccccc').stroke();
    if (item.estimate !== null) {
      doc.rect(left, top + 2, barWidth * item.estimate, row - 5).fill('#1c7ed6');
      if (item.lower !== null && item.upper !== null) {
        const mid = top + 2 + (row - 5) / 2;
        doc.lineWidth(1).strokeColor(INK).moveTo(left + barWidth * item.lower, mid).lineTo(left + barWidth * item.upper, mid).stroke();
        for (const end of [item.lower, item.upper]) doc.moveTo(left + barWidth * end, mid - 3).lineTo(left + barWidth * end, mid + 3).stroke();
      }
    }
    doc.font('Helvetica').fontSize(8).fillColor(INK).text(item.note, left + barWidth + 6, top + 3, { width: 114 });
    top += row;
  }
  doc.x = doc.page.margins.left;
  doc.y = top + 8;
}

function drawTable(doc: Doc, b: { header: string[]; rows: string[][] }, width: number): void {
  const columns = b.header.length;
  const first = Math.min(width * 0.34, 180);
  const other = columns > 1 ? (width - first) / (columns - 1) : 0;
  const widths = b.header.map((_, i) => (i === 0 ? first : other));
  const line = (cells: string[], bold: boolean) => {
    ensureRoom(doc, 14);
    const top = doc.y;
    let left = doc.page.margins.left;
    let bottom = top;
    cells.forEach((cell, i) => {
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8.5).fillColor(INK).text(cell, left, top, { width: (widths[i] ?? other) - 4 });
      bottom = Math.max(bottom, doc.y);
      left += widths[i] ?? other;
    });
    doc.x = doc.page.margins.left;
    doc.y = bottom + 2;
  };
  line(b.header, true);
  for (const r of b.rows) line(r, false);
  doc.moveDown(0.4);
}

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
        case 'pageBreak':
          doc.addPage();
          break;
        case 'table':
          drawTable(doc, b, width);
          break;
        case 'lineChart':
          drawLineChart(doc, b, width);
          break;
        case 'barChart':
          drawBarChart(doc, b, width);
          break;
      }
    }
    doc.end();
  });
}
