// Three real SOAP client stacks built from the official WSDL (zeep, PHP SoapClient, node-soap) call
// SearchCoupons on a running service and read typed Coupon objects and typed faults.
import { expect } from 'chai';
import { callNodeSoap, callPhp, callZeep, type ClientOutcome, type SoapHeaders } from '../support/clients.ts';
import { useTestApp } from '../support/app.ts';
import { customerIdPredicate, makeCouponClass, makeWorld, mint, type World } from '../support/factories.ts';

type Caller = (endpoint: string, op: string, headers: SoapHeaders, body?: unknown) => Promise<ClientOutcome>;
const CLIENTS: readonly (readonly [string, Caller])[] = [
  ['zeep', callZeep],
  ['PHP SoapClient', callPhp],
  ['node-soap', callNodeSoap],
];

type Rec = Record<string, unknown>;
/** PHP turns a one-item list into an object; zeep and node-soap give a list. */
const items = (v: unknown): Rec[] => (Array.isArray(v) ? (v as Rec[]) : v ? [v as Rec] : []);
const iso = (v: unknown): string => new Date(v as string).toISOString();

describe('SOAP clients built from the official WSDL read SearchCoupons and its faults', function () {
  this.timeout(60000);
  const t = useTestApp();
  let w: World;
  let headers: SoapHeaders;
  let codes: string[];

  before(async () => {
    w = await makeWorld(t);
    headers = {
      AuthenticationToken: w.user.authenticationToken,
      DeveloperToken: w.user.developerToken,
      UserName: '',
      Password: '',
    };
    await makeCouponClass(t, w.customerId, { name: 'Spring', percentOff: '12.5', threshold: '25.50' });
    codes = await mint(t, w.customerId, 'Spring', 2);
  });

  for (const [name, call] of CLIENTS) {
    it(`${name} gets typed coupons with every field, nil fields included`, async () => {
      const out = await call(t.endpoint, 'SearchCoupons', headers, {
        Predicates: { Predicate: [customerIdPredicate(w.customerId)] },
        PageInfo: { Index: 0, Size: 10 },
      });
      expect(out.kind, JSON.stringify(out)).to.equal('result');
      if (out.kind !== 'result') return;
      expect(out.trackingId).to.match(/^[0-9a-f-]{36}$/);
      const coupons = items((out.result as Rec).Coupons && ((out.result as Rec).Coupons as Rec).Coupon);
      expect(coupons.map((c) => c.CouponCode)).to.deep.equal(codes);
      const c = coupons[0]!;
      expect(c.ClassName).to.equal('Spring');
      expect(c.CouponType).to.equal('Retention');
      expect(Number(c.Amount)).to.equal(50);
      expect(Number(c.SpendThreshold)).to.equal(25.5);
      expect(c.CurrencyCode).to.equal('USD');
      expect(Number(c.PercentOff)).to.equal(12.5);
      expect(Number(c.ActiveDuration)).to.equal(30);
      expect(iso(c.ExpirationDate)).to.equal('2099-06-01T00:00:00.000Z');
      expect(iso(c.StartDate)).to.equal('2020-01-01T00:00:00.000Z');
      expect(iso(c.EndDate)).to.equal('2099-01-01T00:00:00.000Z');
      expect(c.SendToEmail ?? null).to.equal(null);
      expect(c.IsRedeemed).to.equal(false);
    });

    it(`${name} surfaces an invalid AuthenticationToken as AdApiFaultDetail code 105 with its TrackingId`, async () => {
      const out = await call(t.endpoint, 'SearchCoupons', { ...headers, AuthenticationToken: 'not-a-token' }, {});
      expect(out.kind, JSON.stringify(out)).to.equal('fault');
      if (out.kind !== 'fault') return;
      expect(out.codes).to.deep.equal([105]);
      expect(out.detailRoot).to.be.oneOf(['{https://adapi.microsoft.com}AdApiFaultDetail', 'AdApiFaultDetail']);
      expect(out.trackingId).to.match(/^[0-9a-f-]{36}$/);
      expect(t.logs.some((l) => l.includes(out.trackingId!))).to.equal(true);
    });

    it(`${name} surfaces a business-rule fault as {Billing}ApiFault with its operation error code`, async () => {
      const out = await call(t.endpoint, 'SearchCoupons', headers, { PageInfo: { Index: 0, Size: 101 } });
      expect(out.kind, JSON.stringify(out)).to.equal('fault');
      if (out.kind !== 'fault') return;
      expect(out.codes).to.deep.equal([3031]);
      expect(out.detailRoot).to.be.oneOf(['{https://bingads.microsoft.com/Billing/v13}ApiFault', 'ApiFault']);
    });
  }
});
