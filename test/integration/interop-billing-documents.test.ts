// Three real SOAP client stacks built from the official WSDL (zeep, PHP SoapClient, node-soap) call the five billing
// document and group operations and read typed results and typed faults.
import { expect } from 'chai';
import { callNodeSoap, callPhp, callZeep, type ClientOutcome, type SoapHeaders } from '../support/clients.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { makeAccount, makeWorld, type World } from '../support/factories.ts';
import { ADAPI_FAULT, API_FAULT, expectClientFault, headersOf, list, resultOf, type Rec } from '../support/soap.ts';
import { xmlValues } from '../support/billing-documents.ts';
import { closeBillingMonths } from '../../src/services/billing-close.ts';

type Caller = (endpoint: string, op: string, headers: SoapHeaders, body?: unknown) => Promise<ClientOutcome>;
const CLIENTS: readonly (readonly [string, Caller])[] = [
  ['zeep', callZeep],
  ['PHP SoapClient', callPhp],
  ['node-soap', callNodeSoap],
];

/** zeep and node-soap hand base64Binary over as base64 text; PHP decodes it to the bytes themselves. */
const bytesOf = (data: unknown): string => {
  const s = String(data);
  return s.startsWith('<?xml') ? s : Buffer.from(s, 'base64').toString('utf8');
};

describe('SOAP clients built from the official WSDL read billing documents, billing groups and their faults', function () {
  this.timeout(120000);
  let t: TestApp;
  let w: World;
  let euro: { id: string; number: string };
  let group: string;
  let documentId: string;

  before(async () => {
    t = await startTestApp({ expirySweepMs: 0 });
    w = await makeWorld(t);
    euro = await makeAccount(t, w.customerId, { currency: 'EUR' });
    group = (await t.admin<{ id: string }>('/admin/billing-groups', { customer: w.customerId, name: 'Retail' })).id;
    await t.admin('/admin/spend', { account: w.accountId, amount: '12.34', at: '2025-01-10T00:00:00Z' });
    await closeBillingMonths(t.db.knex, new Date('2025-02-01T00:00:01Z'));
    documentId = String(((await t.db.knex('billing_documents').first('id')) as { id: string }).id);
    await callNodeSoap(t.endpoint, 'UpdateBillingGroupAccounts', headersOf(w.user), {
      CustomerId: w.customerId,
      BillingGroupId: group,
      AccountsToAdd: { long: [w.accountId] },
    });
  });
  after(async () => t.close());

  for (const [name, call] of CLIENTS) {
    it(`${name} lists billing documents with typed fields and fetches one as XML`, async () => {
      const info = resultOf(
        await call(t.endpoint, 'GetBillingDocumentsInfo', headersOf(w.user), {
          AccountIds: { long: [Number(w.accountId)] },
          StartDate: '2025-01-01T00:00:00Z',
          EndDate: '2025-03-01T00:00:00Z',
          ReturnInvoiceNumber: true,
        }),
      );
      const docs = list((info.BillingDocumentsInfo as Rec | null)?.BillingDocumentInfo);
      expect(docs).to.have.length(1);
      const d = docs[0]!;
      expect(String(d.AccountId)).to.equal(w.accountId);
      expect(Number(d.Amount)).to.equal(12.34);
      expect(d.CurrencyCode).to.equal('USD');
      expect(new Date(String(d.DocumentDate)).toISOString()).to.equal('2025-02-01T00:00:00.000Z');
      expect(String(d.DocumentId)).to.equal(documentId);
      expect(String(d.CustomerId)).to.equal(w.customerId);
      expect(d.DocumentNumber).to.equal('INV-00000001');

      const got = resultOf(
        await call(t.endpoint, 'GetBillingDocuments', headersOf(w.user), {
          BillingDocumentsInfo: {
            BillingDocumentInfo: [{ DocumentId: Number(documentId), CustomerId: Number(w.customerId) }],
          },
          Type: 'Xml',
        }),
      );
      const files = list((got.BillingDocuments as Rec | null)?.BillingDocument);
      expect(files.map((f) => [String(f.Id), f.Type, f.Number])).to.deep.equal([[documentId, 'Xml', 'INV-00000001']]);
      const xml = bytesOf(files[0]!.Data);
      expect(xmlValues(xml, 'Amount')).to.deep.equal(['12.34']);
      expect(xmlValues(xml, 'Number')).to.deep.equal(['INV-00000001']);
    });

    it(`${name} reads billing groups, ungrouped accounts and per-account PartialErrors`, async () => {
      const groups = resultOf(
        await call(t.endpoint, 'GetBillingGroups', headersOf(w.user), { CustomerId: Number(w.customerId) }),
      );
      expect(
        list((groups.BillingGroups as Rec | null)?.BillingGroup).map((g) => [String(g.BillingGroupId), g.Name]),
      ).to.deep.equal([[group, 'Retail']]);
      const ungrouped = resultOf(
        await call(t.endpoint, 'GetUngroupedAccounts', headersOf(w.user), { CustomerId: Number(w.customerId) }),
      );
      const accounts = list((ungrouped.UngroupedAccounts as Rec | null)?.UngroupedAccount);
      expect(accounts.map((a) => [String(a.AccountId), a.AccountNumber])).to.deep.equal([[euro.id, euro.number]]);
      // Retail holds a USD account: the EUR account can join no group.
      expect(list((accounts[0]!.PotentialBillingGroups as Rec | null)?.KeyValueEntityOflongstring)).to.deep.equal([]);
      const update = resultOf(
        await call(t.endpoint, 'UpdateBillingGroupAccounts', headersOf(w.user), {
          CustomerId: Number(w.customerId),
          BillingGroupId: Number(group),
          AccountsToAdd: { long: [Number(w.accountId), Number(euro.id)] },
        }),
      );
      const perAccount = list((update.PartialErrors as Rec | null)?.ArrayOfOperationError).map((inner) =>
        list(inner?.OperationError).map((e) => Number(e.Code)),
      );
      expect(perAccount).to.deep.equal([[], [4603]]);
    });

    it(`${name} surfaces StartDate after EndDate as ApiFault 4600 and another customer as AdApiFaultDetail 106`, async () => {
      const later = await call(t.endpoint, 'GetBillingDocumentsInfo', headersOf(w.user), {
        AccountIds: { long: [Number(w.accountId)] },
        StartDate: '2025-03-02T00:00:00Z',
        EndDate: '2025-03-01T00:00:00Z',
        ReturnInvoiceNumber: false,
      });
      expectClientFault(later, 4600, API_FAULT);
      const other = await makeWorld(t);
      const foreign = await call(t.endpoint, 'GetUngroupedAccounts', headersOf(other.user), {
        CustomerId: Number(w.customerId),
      });
      expectClientFault(foreign, 106, ADAPI_FAULT);
    });
  }
});
