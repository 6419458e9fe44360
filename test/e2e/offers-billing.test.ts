// The Billing section of the /offers page in a real browser (headless Chromium, JavaScript off): an invoice
// account's insertion order with its budget bar (the figures SearchInsertionOrders gives), the month's billing
// document once the month closes, and its PDF downloaded from the page.
import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { closeBillingMonths } from '../../src/services/billing-close.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { pdfText } from '../support/billing-documents.ts';
import { launchBrowser, openPage, PHONE, redeemCode, screenshot, signInWithPassword } from '../support/browser.ts';
import { callNodeSoap } from '../support/clients.ts';
import { resetClock, setClock } from '../support/clock.ts';
import { makeAccount, makeCouponClass, makeCustomer, makeUser, mint } from '../support/factories.ts';
import { headersOf, list, resultOf, type Rec } from '../support/soap.ts';

const PASSWORD = 'correct horse battery staple';

describe('Offers page Billing section in a browser', function () {
  this.timeout(90000);
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let customer: string;
  let invoiced: { id: string; number: string };
  let prepaid: { id: string; number: string };
  let user: { authenticationToken: string; developerToken: string };

  const billing = (accountNumber: string) =>
    page
      .locator('section.account', { has: page.getByRole('heading', { name: `Account ${accountNumber}` }) })
      .locator('section.billing');

  before(async () => {
    t = await startTestApp({ testClock: true });
    browser = await launchBrowser();
    await resetClock(t, '2026-03-02T09:00:00Z');
    customer = await makeCustomer(t, 'Northwind Traders');
    invoiced = await makeAccount(t, customer, { invoice: true, email: 'ap@northwind.example' });
    prepaid = await makeAccount(t, customer);
    user = await makeUser(t, customer, { username: 'carol', password: PASSWORD });
    await makeCouponClass(t, customer, { name: 'Welcome credit', amount: '50' });
    const out = await callNodeSoap(t.endpoint, 'AddInsertionOrder', headersOf(user), {
      InsertionOrder: {
        AccountId: invoiced.id,
        EndDate: '2026-04-30T00:00:00Z',
        SpendCapAmount: '1000',
        StartDate: '2026-03-02T00:00:00Z',
        Name: 'Spring campaign',
        PurchaseOrder: 'PO-4471',
      },
    });
    resultOf(out);
    ({ page } = await openPage(browser));
    await signInWithPassword(page, t.baseUrl, 'carol', PASSWORD);
    await redeemCode(page, invoiced.number, (await mint(t, customer, 'Welcome credit'))[0]!);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it("shows each account's insertion orders with a budget bar of exactly what SearchInsertionOrders reports", async () => {
    await setClock(t, '2026-03-10T12:00:00Z');
    await t.admin('/admin/spend', { account: invoiced.id, amount: '250.55', at: '2026-03-10T11:00:00Z' });
    await page.reload();
    const section = billing(invoiced.number);
    expect(await section.getByRole('heading', { name: 'Billing', exact: true }).isVisible()).to.equal(true);
    const order = section.locator('article.order', { has: page.getByRole('heading', { name: 'Spring campaign' }) });
    expect(await order.getAttribute('data-status')).to.equal('Active');
    const facts = await order.locator('dl.facts').innerText();
    expect(facts).to.contain('2 Mar 2026 – 30 Apr 2026');
    expect(facts).to.contain('PO-4471');
    const bar = order.getByRole('progressbar', { name: 'Budget spent' });
    const found = await callNodeSoap(t.endpoint, 'SearchInsertionOrders', headersOf(user), {
      Predicates: { Predicate: [{ Field: 'AccountId', Operator: 'Equals', Value: invoiced.id }] },
    });
    const [io] = list(
      (resultOf(found) as { InsertionOrders?: { InsertionOrder?: unknown } }).InsertionOrders?.InsertionOrder,
    );
    expect([String(io!.BudgetSpent), String(io!.SpendCapAmount)]).to.deep.equal(['250.55', '1000']);
    expect(await bar.getAttribute('aria-valuenow')).to.equal(String(io!.BudgetSpent));
    expect(await bar.getAttribute('aria-valuemax')).to.equal(String(io!.SpendCapAmount));
    expect(await bar.getAttribute('aria-valuetext')).to.equal('USD 250.55 of USD 1,000.00 spent, USD 749.45 remaining');
    expect(await section.innerText()).to.contain('No billing documents yet');
    expect(await billing(prepaid.number).innerText()).to.contain('This account is prepaid');
  });

  it('after the month closes, the document is listed with number, date and amount, and its PDF downloads', async () => {
    await closeBillingMonths(t.db.knex, await setClock(t, '2026-04-02T09:00:00Z'));
    const response = await page.reload();
    expect(response?.headers()['content-security-policy']).to.contain("default-src 'none'");
    expect(await page.locator('script').count()).to.equal(0);
    const row = billing(invoiced.number).locator('table.documents tbody tr');
    expect(await row.count()).to.equal(1);
    expect((await row.locator('td').allInnerTexts()).slice(0, 3)).to.deep.equal([
      'INV-00000001',
      '1 Apr 2026',
      'USD 200.55',
    ]);
    await screenshot(page, 'billing-01-section');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.getByRole('link', { name: 'Download PDF of invoice INV-00000001' }).click(),
    ]);
    expect(download.suggestedFilename()).to.equal('INV-00000001.pdf');
    const pdf = await readFile((await download.path())!);
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
    const text = pdfText(pdf);
    expect(text).to.match(/Amount due\s+200\.55 USD/);
    expect(text).to.contain('purchase order PO-4471');
    const docs = await callNodeSoap(t.endpoint, 'GetBillingDocuments', headersOf(user), {
      BillingDocumentsInfo: {
        BillingDocumentInfo: [{ CustomerId: customer, DocumentId: new URL(download.url()).pathname.split('/')[3] }],
      },
      Type: 'Pdf',
    });
    const [doc] = list((resultOf(docs).BillingDocuments as Rec).BillingDocument);
    expect(pdf.equals(Buffer.from(String(doc!.Data), 'base64'))).to.equal(true);
    expect(await billing(prepaid.number).innerText()).to.contain('No billing documents yet');
  });

  it('the Billing section reads well on a phone: nothing sticks out sideways', async () => {
    await page.setViewportSize(PHONE);
    await page.reload();
    const boxes = page.locator('section.billing, article.order, table.documents, table.documents td, progress');
    expect(await boxes.count()).to.be.greaterThan(6);
    for (const el of await boxes.all()) {
      const box = await el.boundingBox();
      if (box) expect(box.x + box.width).to.be.at.most(PHONE.width);
    }
    await screenshot(page, 'billing-02-phone');
  });
});
