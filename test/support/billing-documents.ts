// Billing documents in tests: waiting for the sweep's month close, reading PDFs as text (pdftotext, poppler-utils)
// and the XML invoice's totals.
import { spawnSync } from 'node:child_process';
import type { TestApp } from './app.ts';
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
