/**
 * A one-look PDF summary of an evidence pack for an auditor: the run, its outcome, the chain head and the
 * signing key id, then one line per entry with its hash. The JSON pack stays the record; this describes it.
 */
import type { EvidencePack } from '@riskloop/contracts';
import PDFDocument from 'pdfkit';

const describe = (entry: EvidencePack['entries'][number]): string => {
  const data = (entry.data ?? {}) as Record<string, unknown>;
  const status = typeof data.status === 'string' ? ` - ${data.status}` : '';
  const outcome = typeof data.outcome === 'string' ? ` - ${data.outcome}` : '';
  return `${entry.kind}: ${entry.name}${status}${outcome}`;
};

export async function renderSummary(pack: EvidencePack): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: {
      Title: `Evidence pack ${pack.runId}`,
      Creator: 'riskloop',
      CreationDate: new Date(pack.generatedAt),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  const run = pack.entries.find((e) => e.kind === 'run')?.data as Record<string, unknown> | undefined;
  doc.font('Helvetica-Bold').fontSize(18).text('Evidence pack');
  doc.moveDown(0.5).font('Helvetica').fontSize(10);
  const lines: [string, unknown][] = [
    ['Run', pack.runId],
    ['Tenant', pack.tenant],
    ['Workflow', run ? `${String(run.workflowId)} v${String(run.workflowVersion)}` : ''],
    ['Status', run?.status ?? ''],
    ['Generated', pack.generatedAt],
    ['Entries', pack.entries.length],
    ['Chain head (SHA-256)', pack.head],
    ['Signing key id', (pack.publicKey as { kid?: string }).kid ?? ''],
  ];
  for (const [label, value] of lines) {
    doc.font('Helvetica-Bold').text(`${label}: `, { continued: true }).font('Helvetica').text(String(value));
  }
  doc.moveDown().font('Helvetica-Bold').fontSize(12).text('Entries');
  doc.moveDown(0.3).fontSize(8.5);
  for (const entry of pack.entries) {
    doc.font('Helvetica').text(`${entry.seq}. ${describe(entry)}`, { continued: true });
    doc
      .font('Courier')
      .fillColor('#555555')
      .text(`  ${entry.hash.slice(0, 16)}`)
      .fillColor('#000000');
  }
  doc.moveDown().font('Helvetica').fontSize(8.5).fillColor('#444444');
  doc.text(
    'Verify the JSON pack with `npx riskloop evidence verify pack.json` against the tenant key from GET /api/evidence/public-key.',
  );
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}
