// Billing documents in tests: waiting for the sweep's month close, reading PDFs as text (pdftotext, poppler-utils)
// and the XML invoice's totals.
import { spawnSync } from 'node:child_process';
import type { TestApp } from './app.ts';
import { PYTHON } from './clients.ts';
import { repoRoot } from './official-wsdl.ts';
import { billingOk } from './cli.ts';

export interface ListedDocument {
  id: string;
  number: string;
  date: string;
  amount: string;
}

/** `billing documents --account ID`, polled until it lists `count` documents (the sweep closes months). */
export async function documentsOf(
  t: TestApp,
  account: string,
  count: number,
  timeoutMs = 20000,
): Promise<ListedDocument[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const docs = await t.admin<ListedDocument[]>(`/admin/accounts/${account}/documents`, undefined, 'GET');
    if (docs.length >= count || Date.now() > until) return docs;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The same through the CLI (SPEC §6). */
export const documentsByCli = (t: TestApp, account: string): Promise<ListedDocument[]> =>
  billingOk<ListedDocument[]>(t, ['documents', '--account', account]);

/** The text of a PDF as pdftotext extracts it (layout kept). */
export function pdfText(pdf: Buffer): string {
  const run = spawnSync('pdftotext', ['-layout', '-', '-'], { input: pdf });
  if (run.status !== 0) throw new Error(`pdftotext failed: ${run.stderr.toString()}`);
  return run.stdout.toString('utf8');
}

/** The text of each element named `name` in an XML invoice. */
export function xmlValues(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}(?: [^>]*)?>([^<]*)</${name}>`, 'g'))].map((m) => m[1]!);
}

const VALIDATE = `
import sys
from lxml import etree
schema = etree.XMLSchema(etree.parse(sys.argv[1]))
doc = etree.fromstring(sys.stdin.buffer.read())
ok = schema.validate(doc)
print("\\n".join(str(e) for e in schema.error_log))
sys.exit(0 if ok else 1)
`;

/** Validates an XML invoice against docs/billing-document.xsd (lxml, which zeep brings); returns the errors. */
export function invoiceSchemaErrors(xml: Buffer): string[] {
  const run = spawnSync(PYTHON, ['-c', VALIDATE, `${repoRoot}/docs/billing-document.xsd`], { input: xml });
  if (run.status === 0) return [];
  return [run.stdout.toString(), run.stderr.toString()].filter((s) => s.trim() !== '');
}
