// The /offers page's billing-document download (GET /offers/documents/{id}/pdf): the signed-in user gets the same
// PDF bytes GetBillingDocuments returns, only for documents of their own customer (GetBillingDocuments'
// visibility); another customer's document is a 404 like an id that does not exist; signed out, back to sign-in.
import { expect } from 'chai';
import { closeBillingMonths } from '../../src/services/billing-close.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { callNodeSoap } from '../support/clients.ts';
import { resetClock, setClock } from '../support/clock.ts';
import { documentsOf } from '../support/billing-documents.ts';
import { makeAccount, makeCustomer, makeUser } from '../support/factories.ts';
import { headersOf, list, resultOf, type Rec } from '../support/soap.ts';
import { signInOverHttp } from '../support/web-session.ts';

const PASSWORD = 'a long enough password';

describe('offers page: billing document downloads', function () {
  this.timeout(120000);
  let t: TestApp;
  let alice: { id: string; authenticationToken: string; developerToken: string };
  let contoso: string;
  let ownDoc: { id: string; number: string };
  let otherDoc: { id: string; number: string };

  before(async () => {
    t = await startTestApp({ testClock: true });
    await resetClock(t, '2026-03-05T12:00:00Z');
    contoso = await makeCustomer(t, 'Contoso');
    const fabrikam = await makeCustomer(t, 'Fabrikam');
    const own = await makeAccount(t, contoso);
    const other = await makeAccount(t, fabrikam);
    alice = await makeUser(t, contoso, { username: 'alice', password: PASSWORD });
    await makeUser(t, contoso, { username: 'viewer', password: PASSWORD, role: 'ViewOnly' });
    await makeUser(t, fabrikam, { username: 'bob', password: PASSWORD });
    await t.admin('/admin/spend', { account: own.id, amount: '12.34', at: '2026-03-05T10:00:00Z' });
    await t.admin('/admin/spend', { account: other.id, amount: '56.78', at: '2026-03-05T10:00:00Z' });
    await closeBillingMonths(t.db.knex, await setClock(t, '2026-04-02T00:00:00Z'));
    const [a] = await documentsOf(t, own.id, 1);
    const [b] = await documentsOf(t, other.id, 1);
    if (!a || !b) throw new Error('the March close issued no document');
    [ownDoc, otherDoc] = [a, b];
  });
  after(async () => t?.close());

  const download = (id: string, cookie: string | null, method = 'GET'): Promise<Response> =>
    fetch(`${t.baseUrl}/offers/documents/${id}/pdf`, {
      method,
      headers: cookie ? { Cookie: cookie } : {},
      redirect: 'manual',
    });

  it('a signed-in user downloads their document as a PDF attachment, the same bytes GetBillingDocuments returns', async () => {
    const cookie = await signInOverHttp(t.baseUrl, 'alice', PASSWORD);
    const res = await download(ownDoc.id, cookie);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/pdf');
    expect(res.headers.get('content-disposition')).to.equal(`attachment; filename="${ownDoc.number}.pdf"`);
    expect(res.headers.get('content-security-policy')).to.contain("default-src 'none'");
    expect(res.headers.get('cache-control')).to.equal('no-store');
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.subarray(0, 5).toString()).to.equal('%PDF-');
    const out = await callNodeSoap(t.endpoint, 'GetBillingDocuments', headersOf(alice), {
      BillingDocumentsInfo: { BillingDocumentInfo: [{ CustomerId: contoso, DocumentId: ownDoc.id }] },
      Type: 'Pdf',
    });
    const [doc] = list((resultOf(out).BillingDocuments as Rec).BillingDocument);
    expect(body.equals(Buffer.from(String(doc!.Data), 'base64'))).to.equal(true);
  });

  it("the page links the customer's own document and never another customer's", async () => {
    const cookie = await signInOverHttp(t.baseUrl, 'alice', PASSWORD);
    const page = await (await fetch(`${t.baseUrl}/offers`, { headers: { Cookie: cookie } })).text();
    expect(page).to.contain(`href="/offers/documents/${ownDoc.id}/pdf"`);
    expect(page).to.contain(ownDoc.number);
    expect(page).to.contain('USD 12.34');
    expect(page).not.to.contain(`/offers/documents/${otherDoc.id}/pdf`);
    expect(page).not.to.contain(otherDoc.number);
  });

  it('a view-only user of the same customer may download it too, as GetBillingDocuments allows', async () => {
    const res = await download(ownDoc.id, await signInOverHttp(t.baseUrl, 'viewer', PASSWORD));
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/pdf');
  });

  it("another customer's document is a 404 page, just like an id that does not exist or is not a number", async () => {
    const cookie = await signInOverHttp(t.baseUrl, 'alice', PASSWORD);
    const pages: string[] = [];
    for (const id of [otherDoc.id, '987654321', 'abc', '0', `${ownDoc.id}0000000000000000000`]) {
      const res = await download(id, cookie);
      expect(res.status, id).to.equal(404);
      expect(res.headers.get('content-type'), id).to.equal('text/html; charset=utf-8');
      pages.push(await res.text());
    }
    expect(new Set(pages).size).to.equal(1);
    expect(pages[0]).to.contain('Page not found');
    // Bob, of Fabrikam, gets his own and not Alice's.
    const bob = await signInOverHttp(t.baseUrl, 'bob', PASSWORD);
    expect((await download(otherDoc.id, bob)).status).to.equal(200);
    expect((await download(ownDoc.id, bob)).status).to.equal(404);
  });

  it('signed out, or after signing out, the link leads back to the sign-in page and sends no PDF', async () => {
    const none = await download(ownDoc.id, null);
    expect(none.status).to.equal(303);
    expect(none.headers.get('location')).to.equal('/offers');
    const cookie = await signInOverHttp(t.baseUrl, 'alice', PASSWORD);
    const page = await fetch(`${t.baseUrl}/offers`, { headers: { Cookie: cookie } });
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const out = await fetch(`${t.baseUrl}/offers/sign-out`, {
      method: 'POST',
      headers: { Cookie: cookie },
      body: new URLSearchParams({ csrf }),
      redirect: 'manual',
    });
    expect(out.status).to.equal(303);
    const after = await download(ownDoc.id, cookie);
    expect(after.status).to.equal(303);
    expect(after.headers.get('location')).to.equal('/offers');
    expect(after.headers.get('content-type')).to.equal(null);
  });

  it('the download address only answers GET and HEAD', async () => {
    const cookie = await signInOverHttp(t.baseUrl, 'alice', PASSWORD);
    const post = await download(ownDoc.id, cookie, 'POST');
    expect(post.status).to.equal(405);
    expect(post.headers.get('allow')).to.equal('GET, HEAD');
    const head = await download(ownDoc.id, cookie, 'HEAD');
    expect(head.status).to.equal(200);
    expect(head.headers.get('content-type')).to.equal('application/pdf');
  });
});
