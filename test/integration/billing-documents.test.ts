// Billing documents (SPEC §4a): the month close issues one document per account with activity, with the gross
// spend, each offer's credit, the cash charged and late spend as adjustments on the next document; clients list
// them (GetBillingDocumentsInfo) and fetch them as PDF and XML with the same figures, byte-identical on repeat.
import { expect } from 'chai';
import { callNodeSoap } from '../support/clients.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { billingFails, billingOk } from '../support/cli.ts';
import { resetClock, setClock } from '../support/clock.ts';
import { makeAccount, makeCouponClass, makeWorld, mint, type World } from '../support/factories.ts';
import { redeemRaw } from '../support/instances.ts';
import { expectFaultCode, headersOf, list, resultOf, type Rec } from '../support/soap.ts';
import { documentsByCli, documentsOf, invoiceSchemaErrors, pdfText, xmlValues } from '../support/billing-documents.ts';

const spend = (t: TestApp, account: string, amount: string, at: string): Promise<unknown> =>
  t.admin('/admin/spend', { account, amount, at });

async function fetchDocument(t: TestApp, w: World, id: string, type: 'Pdf' | 'Xml'): Promise<Buffer> {
  const out = await callNodeSoap(t.endpoint, 'GetBillingDocuments', headersOf(w.user), {
    BillingDocumentsInfo: { BillingDocumentInfo: [{ CustomerId: w.customerId, DocumentId: id }] },
    Type: type,
  });
  const docs = list((resultOf(out).BillingDocuments as Rec).BillingDocument);
  expect(docs).to.have.length(1);
  expect(docs[0]!.Type).to.equal(type);
  return Buffer.from(String(docs[0]!.Data), 'base64');
}

describe('billing documents: the month close and what clients read', function () {
  this.timeout(120000);
  let t: TestApp;
  let w: World;
  let codes: string[];

  before(async () => {
    t = await startTestApp({ testClock: true, expirySweepMs: 100 });
    await resetClock(t, '2026-03-01T00:00:00Z');
    w = await makeWorld(t);
    await makeCouponClass(t, w.customerId, { name: 'Spring', amount: '30', activeDays: 90 });
    codes = await mint(t, w.customerId, 'Spring', 2);
  });
  after(async () => t.close());

  let march: { id: string; number: string };
  let marchPdf: Buffer;
  let marchXml: Buffer;

  it('at the close of March the account gets one document: gross spend, the offer credit and the cash charged', async () => {
    expect((await redeemRaw(t.endpoint, w.user, w.accountId, codes[0]!)).ok).to.equal(true);
    // An approved insertion order for March (written directly: its operations are another branch's work).
    await t.db.knex('insertion_orders').insert({
      account_id: w.accountId,
      name: 'March',
      purchase_order: 'PO-7731',
      spend_cap_minor: 1_000_000,
      start_date: '2026-03-01',
      end_date: '2026-03-31',
      status: 'Active',
      created_by: 'advertiser',
      last_modified_at: new Date('2026-03-01T00:00:00Z'),
      created_at: new Date('2026-03-01T00:00:00Z'),
    });
    await setClock(t, '2026-03-05T10:00:00Z');
    await spend(t, w.accountId, '20', '2026-03-05T10:00:00Z');
    await setClock(t, '2026-03-10T10:00:00Z');
    await spend(t, w.accountId, '25', '2026-03-10T10:00:00Z');
    expect(await documentsOf(t, w.accountId, 1, 300)).to.deep.equal([]);
    await billingOk(t, ['clock', 'advance', 'P1M']); // 2026-04-10T10:00Z: March has ended
    const docs = await documentsOf(t, w.accountId, 1);
    expect(docs).to.deep.equal([
      { id: docs[0]!.id, number: 'INV-00000001', date: '2026-04-01T00:00:00.000Z', amount: '15' },
    ]);
    march = docs[0]!;
    marchXml = await fetchDocument(t, w, march.id, 'Xml');
    expect(invoiceSchemaErrors(marchXml)).to.deep.equal([]);
    const xml = marchXml.toString('utf8');
    expect(xmlValues(xml, 'GrossSpend')).to.deep.equal(['45']);
    expect(xmlValues(xml, 'PromotionalCredit')).to.deep.equal(['30']);
    expect(xmlValues(xml, 'CashCharged')).to.deep.equal(['15']);
    expect(xmlValues(xml, 'Amount')).to.deep.equal(['15']);
    expect(xml).to.include(`couponCodeTail="${codes[0]!.slice(-4)}" className="Spring"`);
    expect(xml).to.include(`<Account id="${w.accountId}" number="${w.accountNumber}" purchaseOrder="PO-7731"/>`);
    marchPdf = await fetchDocument(t, w, march.id, 'Pdf');
    expect(marchPdf.subarray(0, 5).toString()).to.equal('%PDF-');
    const text = pdfText(marchPdf);
    expect(text).to.include('Invoice INV-00000001');
    expect(text).to.match(/Gross spend, account \S+\s+45 USD/);
    expect(text).to.match(new RegExp(`coupon ending ${codes[0]!.slice(-4)} \\(Spring\\)\\s+-30 USD`));
    expect(text).to.match(/Amount due\s+15 USD/);
    expect(text).to.include(`Account: ${w.accountNumber} (id ${w.accountId}), purchase order PO-7731`);
  });

  it('spend recorded late into March appears as an adjustment on the April document; the March one never changes', async () => {
    // April: a new offer is Active and covers April's spend; a March spend reported now is all cash.
    expect((await redeemRaw(t.endpoint, w.user, w.accountId, codes[1]!)).ok).to.equal(true);
    await setClock(t, '2026-04-10T11:00:00Z');
    await spend(t, w.accountId, '5', '2026-04-10T11:00:00Z');
    await spend(t, w.accountId, '7.25', '2026-03-20T10:00:00Z');
    await billingOk(t, ['clock', 'advance', 'P1M']);
    const docs = await documentsByCli(t, w.accountId).then(async (d) =>
      d.length >= 2 ? d : documentsOf(t, w.accountId, 2),
    );
    expect(docs.map((d) => [d.number, d.date, d.amount])).to.deep.equal([
      ['INV-00000001', '2026-04-01T00:00:00.000Z', '15'],
      ['INV-00000002', '2026-05-01T00:00:00.000Z', '7.25'],
    ]);
    const aprilXml = await fetchDocument(t, w, docs[1]!.id, 'Xml');
    expect(invoiceSchemaErrors(aprilXml)).to.deep.equal([]);
    const xml = aprilXml.toString('utf8');
    expect(xmlValues(xml, 'GrossSpend')).to.deep.equal(['5']);
    expect(xmlValues(xml, 'PromotionalCredit')).to.deep.equal(['5']);
    expect(xmlValues(xml, 'CashCharged')).to.deep.equal(['0']);
    expect(xmlValues(xml, 'Adjustments')).to.deep.equal(['7.25']);
    expect(xmlValues(xml, 'Amount')).to.deep.equal(['7.25']);
    expect(xml).to.match(/<Line kind="cash" [^>]*period="2026-03" adjustment="true">7.25<\/Line>/);
    expect(xml).not.to.include('purchaseOrder='); // the order ended with March
    const text = pdfText(await fetchDocument(t, w, docs[1]!.id, 'Pdf'));
    expect(text).to.match(new RegExp(`coupon ending ${codes[1]!.slice(-4)} \\(Spring\\)\\s+-5 USD`));
    expect(text).to.match(/Adjustment for 2026-03: Cash charged, account \S+\s+7.25 USD/);
    expect(text).to.match(/Amount due\s+7.25 USD/);
    // The March document: same bytes as before the late spend.
    expect((await fetchDocument(t, w, march.id, 'Pdf')).equals(marchPdf)).to.equal(true);
    expect((await fetchDocument(t, w, march.id, 'Xml')).equals(marchXml)).to.equal(true);
  });

  it('GetBillingDocumentsInfo lists the documents dated in the range, with DocumentNumber only when asked for', async () => {
    const call = (body: Rec): Promise<Rec[]> =>
      callNodeSoap(t.endpoint, 'GetBillingDocumentsInfo', headersOf(w.user), body).then((out) =>
        list((resultOf(out).BillingDocumentsInfo as Rec | null)?.BillingDocumentInfo),
      );
    const all = await call({ AccountIds: { long: [w.accountId] }, StartDate: '2026-01-01T00:00:00Z', EndDate: null });
    expect(
      all.map((d) => [String(d.AccountId), d.AccountNumber, Number(d.Amount), d.CurrencyCode, d.DocumentNumber]),
    ).to.deep.equal([
      [w.accountId, w.accountNumber, 15, 'USD', undefined],
      [w.accountId, w.accountNumber, 7.25, 'USD', undefined],
    ]);
    expect(new Date(all[0]!.DocumentDate as string).toISOString()).to.equal('2026-04-01T00:00:00.000Z');
    expect(all[0]!.CustomerId).to.equal(Number(w.customerId));
    const april = await call({
      AccountIds: { long: [w.accountId] },
      StartDate: '2026-04-01T18:00:00Z',
      EndDate: '2026-04-30T00:00:00Z',
      ReturnInvoiceNumber: true,
    });
    expect(april.map((d) => d.DocumentNumber)).to.deep.equal(['INV-00000001']);
  });

  it('a StartDate later than EndDate is ApiFault 4600, and another customer’s account is 106', async () => {
    const later = await callNodeSoap(t.endpoint, 'GetBillingDocumentsInfo', headersOf(w.user), {
      AccountIds: { long: [w.accountId] },
      StartDate: '2026-05-02T00:00:00Z',
      EndDate: '2026-05-01T00:00:00Z',
    });
    expectFaultCode(later, 4600);
    const other = await makeWorld(t);
    const foreign = await callNodeSoap(t.endpoint, 'GetBillingDocumentsInfo', headersOf(other.user), {
      AccountIds: { long: [w.accountId] },
      StartDate: '2026-01-01T00:00:00Z',
    });
    expectFaultCode(foreign, 106);
    const stolen = await callNodeSoap(t.endpoint, 'GetBillingDocuments', headersOf(other.user), {
      BillingDocumentsInfo: { BillingDocumentInfo: [{ CustomerId: other.customerId, DocumentId: march.id }] },
      Type: 'Pdf',
    });
    expectFaultCode(stolen, 4601);
  });

  it('GetBillingDocuments refuses more than 25 documents with 3024', async () => {
    const out = await callNodeSoap(t.endpoint, 'GetBillingDocuments', headersOf(w.user), {
      BillingDocumentsInfo: {
        BillingDocumentInfo: Array.from({ length: 26 }, () => ({ CustomerId: w.customerId, DocumentId: march.id })),
      },
      Type: 'Xml',
    });
    expectFaultCode(out, 3024);
  });

  it('billing documents refuses an unknown account with a clear message and a non-zero exit', async () => {
    const run = await billingFails(t, ['documents', '--account', '999999']);
    expect(run.stderr).to.include('account 999999 not found');
  });

  it('an account with no activity in a month gets no document', async () => {
    const idle = await makeAccount(t, w.customerId);
    await billingOk(t, ['clock', 'advance', 'P1M']);
    await documentsOf(t, w.accountId, 3, 1500);
    expect(await documentsOf(t, idle.id, 1, 500)).to.deep.equal([]);
  });
});
