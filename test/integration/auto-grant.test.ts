// Offers that activate themselves (SPEC §4 "Auto-granted offers"): a class created with `billing class create
// --auto-grant new-accounts` redeems one of its coupons to each account `billing account create` makes afterwards
// under its customer, through RedeemCoupon's rules; when it cannot, the account is still created and
// `billing offers` says why. Driven through the real CLI, the operator API and SOAP (zeep).
import { expect } from 'chai';
import { callZeep } from '../support/clients.ts';
import { useTestApp } from '../support/app.ts';
import { billingOk, runBilling } from '../support/cli.ts';
import { makeCustomer, makeUser, mint } from '../support/factories.ts';
import { headersOf } from '../support/soap.ts';

const NOW = '2030-01-01T00:00:00.000Z';

type Rec = Record<string, unknown>;
interface Offer {
  couponCode?: string;
  className?: string;
  status: string;
  code?: number;
  reason?: string;
  balance?: string;
}

describe('auto-granted offers (billing class create --auto-grant new-accounts)', function () {
  this.timeout(120_000);
  // Each test starts on a new test clock at NOW (the clock only moves forward).
  const t = useTestApp({ testClock: true, outboxWorker: false }, { eachTestAt: NOW });

  /** The arguments of `billing class create` for a class of the customer: each flag followed by its value. */
  const classArgs = (customer: string, name: string, flags: Record<string, string>): string[] => [
    'class',
    'create',
    '--customer',
    customer,
    '--name',
    name,
    ...Object.entries(flags).flatMap(([flag, value]) => [`--${flag}`, value]),
  ];
  /** `billing class create … --auto-grant new-accounts` with a TikTok-like "spend 0, get 50" default. */
  async function autoGrantClass(customer: string, name: string, flags: Record<string, string> = {}): Promise<void> {
    await billingOk(
      t,
      classArgs(customer, name, {
        type: 'Retention',
        amount: '50',
        currency: 'USD',
        start: '2029-01-01T00:00:00Z',
        end: '2031-01-01T00:00:00Z',
        expires: '2032-01-01T00:00:00Z',
        'auto-grant': 'new-accounts',
        ...flags,
      }),
    );
  }
  const createAccount = (customer: string, extra: string[] = ['--payment-method']) =>
    billingOk<{ id: string; number: string }>(t, [
      'account',
      'create',
      '--customer',
      customer,
      '--currency',
      'USD',
      ...extra,
    ]);
  const offersOf = (account: string) => billingOk<Offer[]>(t, ['offers', '--account', account]);

  async function couponInfoStatus(customer: string, code: string): Promise<number> {
    const user = await makeUser(t, customer);
    const out = await callZeep(t.endpoint, 'GetCouponInfo', headersOf(user), { CustomerId: Number(customer) });
    expect(out.kind, JSON.stringify(out)).to.equal('result');
    const id = ((await t.db.knex('coupons').where({ code }).first('id')) as { id: string }).id;
    const data = (out as { result: Rec }).result.CouponInfoData as Rec;
    const items = ([] as Rec[]).concat(data.CouponInfoData as Rec | Rec[]);
    return Number(items.find((d) => String(d.CouponId) === String(id))!.Status);
  }

  it('an account created afterwards gets one coupon of the class, redeemed and Active, shown by billing offers and GetCouponInfo', async () => {
    const customer = await makeCustomer(t);
    await autoGrantClass(customer, 'Welcome');
    const codes = await mint(t, customer, 'Welcome', 3);

    const account = await createAccount(customer);

    const offers = await offersOf(account.id);
    expect(offers).to.have.length(1);
    expect(offers[0]).to.include({ couponCode: codes[0], status: 'Active', balance: '50' });
    expect(await couponInfoStatus(customer, codes[0]!)).to.equal(1);
    const coupon = (await t.db.knex('coupons').where({ code: codes[0] }).first('redeemed_account_id')) as Rec;
    expect(String(coupon.redeemed_account_id)).to.equal(account.id);
  });

  it('an account created without a payment method gets the offer as NeedsPaymentMethod', async () => {
    const customer = await makeCustomer(t);
    await autoGrantClass(customer, 'Welcome');
    const [code] = await mint(t, customer, 'Welcome', 1);

    const account = await createAccount(customer, []);

    expect((await offersOf(account.id))[0]).to.include({ couponCode: code, status: 'NeedsPaymentMethod' });
    expect(await couponInfoStatus(customer, code!)).to.equal(4);
  });

  it('when the class has run out, the account is still created and billing offers says why no coupon was granted', async () => {
    const customer = await makeCustomer(t);
    await autoGrantClass(customer, 'Welcome');
    await mint(t, customer, 'Welcome', 1);
    await createAccount(customer);

    const second = await createAccount(customer);

    const offers = await offersOf(second.id);
    expect(offers).to.have.length(1);
    expect(offers[0]).to.include({ className: 'Welcome', status: 'NotGranted', code: 4508 });
    expect(offers[0]!.reason).to.match(/no coupon left/);
  });

  it('past the class EndDate, in another currency, or for a customer no longer new (Acquisition), nothing is granted and each reason is shown', async () => {
    const customer = await makeCustomer(t);
    await autoGrantClass(customer, 'Ended', { end: '2029-06-01T00:00:00Z' });
    await mint(t, customer, 'Ended', 2);
    await billingOk(
      t,
      classArgs(customer, 'NewOnly', {
        type: 'Acquisition',
        amount: '20',
        currency: 'USD',
        'auto-grant': 'new-accounts',
      }),
    );
    const newOnly = await mint(t, customer, 'NewOnly', 2);
    await billingOk(
      t,
      classArgs(customer, 'Euro', { type: 'Retention', amount: '20', currency: 'EUR', 'auto-grant': 'new-accounts' }),
    );
    await mint(t, customer, 'Euro', 2);

    const first = await createAccount(customer);
    const second = await createAccount(customer);

    const summary = (offers: Offer[]) => offers.map((o) => [o.className ?? o.couponCode, o.status, o.code ?? null]);
    expect(summary(await offersOf(first.id))).to.deep.equal([
      [newOnly[0], 'Active', null],
      ['Ended', 'NotGranted', 4503],
      ['Euro', 'NotGranted', 4505],
    ]);
    // The first account's Acquisition redemption means the customer is no longer new.
    expect(summary(await offersOf(second.id))).to.deep.equal([
      ['Ended', 'NotGranted', 4503],
      ['NewOnly', 'NotGranted', 4506],
      ['Euro', 'NotGranted', 4505],
    ]);
    const left = (await t.db.knex('coupons').whereIn('code', newOnly).whereNull('redeemed_account_id')) as Rec[];
    expect(left).to.have.length(1);
  });

  it('accounts of another customer, and classes without --auto-grant, grant nothing', async () => {
    const customer = await makeCustomer(t);
    await autoGrantClass(customer, 'Welcome');
    await mint(t, customer, 'Welcome', 2);
    await billingOk(t, classArgs(customer, 'Plain', { type: 'Retention', amount: '5', currency: 'USD' }));
    await mint(t, customer, 'Plain', 2);
    const stranger = await makeCustomer(t, 'Fabrikam');

    const theirs = await createAccount(stranger);
    const ours = await createAccount(customer);

    expect(await offersOf(theirs.id)).to.deep.equal([]);
    expect((await offersOf(ours.id)).map((o) => o.status)).to.deep.equal(['Active']);
  });

  it('accounts created in parallel never share a coupon: each coupon is granted once, the rest are NotGranted', async () => {
    const customer = await makeCustomer(t);
    await autoGrantClass(customer, 'Welcome');
    const codes = await mint(t, customer, 'Welcome', 3);

    const accounts = await Promise.all(
      Array.from({ length: 6 }, () =>
        t.admin<{ id: string }>('/admin/accounts', { customer, currency: 'USD', paymentMethod: true }),
      ),
    );

    const offers = (await Promise.all(accounts.map((a) => offersOf(a.id)))).map((list) => list[0]!);
    const granted = offers.filter((o) => o.status === 'Active').map((o) => o.couponCode);
    expect([...granted].sort()).to.deep.equal([...codes].sort());
    expect(offers.filter((o) => o.status === 'NotGranted').map((o) => o.code)).to.deep.equal([4508, 4508, 4508]);
    const redeemEvents = (await t.db
      .knex('account_events as e')
      .join('coupons as c', 'c.id', 'e.coupon_id')
      .whereIn('c.code', codes)
      .where('e.kind', 'redeem')
      .select('e.account_id')) as Rec[];
    expect(redeemEvents).to.have.length(3);
  });

  it('an --auto-grant value other than new-accounts is refused and no class is created', async () => {
    const customer = await makeCustomer(t);

    const run = await runBilling(
      t,
      classArgs(customer, 'Odd', { type: 'Retention', amount: '5', currency: 'USD', 'auto-grant': 'everyone' }),
    );

    expect(run.status).to.not.equal(0);
    expect(run.stderr).to.match(/auto-grant must be new-accounts/);
    expect(await t.db.knex('coupon_classes').where({ customer_id: customer, name: 'Odd' })).to.deep.equal([]);
  });
});
