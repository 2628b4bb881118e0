/**
 * A document as PDF (pdfkit): the Markdown's block structure (headings, paragraphs, lists, tables, code,
 * rules, quotes) drawn with the standard PDF fonts, and charts drawn from their SVG (svg-to-pdfkit), so the
 * chart stays vector and its labels stay text. The standard fonts cover Latin-1 (WinAnsi) only.
 */
import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import type { RenderedChart } from './chart.ts';
import type { Part } from './compose.ts';

const md = new MarkdownIt({ html: false });
const headingSizes = [20, 16, 13, 12, 11, 11];
const bodySize = 10.5;

export async function renderPdf(
  title: string,
  parts: Part[],
  charts: Map<string, RenderedChart>,
  createdAt: Date,
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: title, Creator: 'riskloop', CreationDate: createdAt },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.font('Helvetica').fontSize(bodySize);
  for (const part of parts) {
    if (part.type === 'markdown') drawBlocks(doc, md.parse(part.text, {}));
    else drawChart(doc, charts.get(part.name));
  }
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

function contentWidth(doc: PDFKit.PDFDocument): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right;
}

function ensureSpace(doc: PDFKit.PDFDocument, height: number): void {
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

function drawChart(doc: PDFKit.PDFDocument, chart: RenderedChart | undefined): void {
  if (!chart) return;
  const width = Math.min(contentWidth(doc), chart.width);
  const height = chart.height * (width / chart.width);
  ensureSpace(doc, height + 10);
  SVGtoPDF(doc, chart.svg, doc.page.margins.left, doc.y, { width, height });
  doc.y += height + 10;
  doc.x = doc.page.margins.left;
}

/** Inline children as styled runs: bold, italic and code switch fonts; breaks become spaces or newlines. */
function runs(token: Token | undefined): { text: string; font: string }[] {
  const out: { text: string; font: string }[] = [];
  let bold = 0;
  let italic = 0;
  for (const child of token?.children ?? []) {
    const font = bold ? 'Helvetica-Bold' : italic ? 'Helvetica-Oblique' : 'Helvetica';
    if (child.type === 'strong_open') bold++;
    else if (child.type === 'strong_close') bold--;
    else if (child.type === 'em_open') italic++;
    else if (child.type === 'em_close') italic--;
    else if (child.type === 'text') out.push({ text: child.content, font });
    else if (child.type === 'code_inline') out.push({ text: child.content, font: 'Courier' });
    else if (child.type === 'softbreak') out.push({ text: ' ', font });
    else if (child.type === 'hardbreak') out.push({ text: '\n', font });
    else if (child.type === 'image') out.push({ text: `[${child.content}]`, font });
  }
  return out;
}

const plain = (token: Token | undefined) =>
  runs(token)
    .map((r) => r.text)
    .join('');

function drawInline(doc: PDFKit.PDFDocument, token: Token | undefined, size: number, indent = 0): void {
  const parts = runs(token);
  if (parts.length === 0) return;
  const x = doc.page.margins.left + indent;
  const width = contentWidth(doc) - indent;
  ensureSpace(doc, size * 1.4);
  parts.forEach((part, i) => {
    doc.font(part.font).fontSize(size);
    const last = i === parts.length - 1;
    if (i === 0) doc.text(part.text, x, doc.y, { width, continued: !last });
    else doc.text(part.text, { continued: !last });
  });
  doc.font('Helvetica').fontSize(bodySize);
}

function drawBlocks(doc: PDFKit.PDFDocument, tokens: Token[]): void {
  const lists: { ordered: boolean; n: number }[] = [];
  let quote = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const indent = lists.length * 14 + quote * 14;
    switch (token.type) {
      case 'heading_open': {
        const size = headingSizes[Number(token.tag.slice(1)) - 1] ?? bodySize;
        doc.moveDown(0.4);
        doc.font('Helvetica-Bold');
        ensureSpace(doc, size * 2);
        doc
          .fontSize(size)
          .text(plain(tokens[i + 1]), doc.page.margins.left, doc.y, { width: contentWidth(doc) });
        doc.font('Helvetica').fontSize(bodySize).moveDown(0.3);
        i += 2;
        break;
      }
      case 'paragraph_open': {
        if (!token.hidden) doc.moveDown(0.2);
        drawInline(doc, tokens[i + 1], bodySize, indent);
        if (!token.hidden) doc.moveDown(0.3);
        i += 2;
        break;
      }
      case 'bullet_list_open':
      case 'ordered_list_open':
        lists.push({ ordered: token.type === 'ordered_list_open', n: Number(token.attrGet('start') ?? 1) });
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop();
        doc.moveDown(0.2);
        break;
      case 'list_item_open': {
        const list = lists.at(-1);
        const marker = list?.ordered ? `${list.n++}.` : '•';
        ensureSpace(doc, bodySize * 1.4);
        doc.text(marker, doc.page.margins.left + indent - 12, doc.y, { width: 12, lineBreak: false });
        doc.x = doc.page.margins.left + indent;
        break;
      }
      case 'blockquote_open':
        quote++;
        break;
      case 'blockquote_close':
        quote--;
        break;
      case 'fence':
      case 'code_block':
        ensureSpace(doc, bodySize * 2);
        doc
          .font('Courier')
          .fontSize(9)
          .text(token.content.trimEnd(), doc.page.margins.left + indent + 6, doc.y, {
            width: contentWidth(doc) - indent - 6,
          });
        doc.font('Helvetica').fontSize(bodySize).moveDown(0.4);
        break;
      case 'hr': {
        ensureSpace(doc, 12);
        const y = doc.y + 4;
        doc
          .moveTo(doc.page.margins.left, y)
          .lineTo(doc.page.width - doc.page.margins.right, y)
          .stroke('#999999');
        doc.y = y + 8;
        break;
      }
      case 'table_open': {
        const end = tokens.findIndex((t, j) => j > i && t.type === 'table_close');
        drawTable(doc, tokens.slice(i, end + 1));
        i = end;
        break;
      }
      default:
        break;
    }
  }
}

function drawTable(doc: PDFKit.PDFDocument, tokens: Token[]): void {
  const rows: { header: boolean; cells: string[] }[] = [];
  let header = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'thead_open') header = true;
    if (t.type === 'thead_close') header = false;
    if (t.type === 'tr_open') rows.push({ header, cells: [] });
    if (t.type === 'inline') rows.at(-1)?.cells.push(plain(t));
  }
  const columns = Math.max(1, ...rows.map((r) => r.cells.length));
  const width = contentWidth(doc) / columns;
  const pad = 3;
  const left = doc.page.margins.left;
  doc.moveDown(0.3);
  for (const row of rows) {
    doc.font(row.header ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
    const height =
      Math.max(...row.cells.map((c) => doc.heightOfString(c || ' ', { width: width - 2 * pad })), 9) +
      2 * pad;
    ensureSpace(doc, height);
    const y = doc.y;
    row.cells.forEach((cellText, c) => {
      doc.rect(left + c * width, y, width, height).stroke('#bbbbbb');
      doc.fillColor('#222222').text(cellText, left + c * width + pad, y + pad, { width: width - 2 * pad });
    });
    doc.y = y + height;
  }
  doc.font('Helvetica').fontSize(bodySize).fillColor('#000000');
  doc.x = left;
  doc.moveDown(0.5);
}
