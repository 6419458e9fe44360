// The `billing` CLI (SPEC §6) run as a subprocess against a real server: each command prints one JSON document on
// stdout and exits 0; each error exits non-zero with a clear message on stderr and nothing on stdout. Also the
// operator API's bearer-key check.
import { expect } from 'chai';
import { CODE_ALPHABET, CODE_LENGTH } from '../../src/services/coupon-codes.ts';
import { postSoap, soapRequest, useTestApp } from '../support/app.ts';
import { argv, billingFails, billingJson } from '../support/cli.ts';
import { searchPredicatesXml } from '../support/factories.ts';

type Json = Record<string, unknown>;

describe('the billing CLI', function () {
  this.timeout(60000);
  const t = useTestApp();

  // Arrange through the operator API (the CLI's server side); only the command under test runs the CLI.
  const newCustomer = async (name = 'Contoso'): Promise<string> =>
    (await t.admin<{ id: string }>('/admin/customers', { name })).id;
  const newClass = (customer: string, name: string): Promise<unknown> =>
    t.admin('/admin/classes', { customer, name, type: 'Retention', amount: '5', currency: 'USD' });

  describe('commands print one JSON document with the documented keys', () => {
    it('customer create --name prints {"id"} of the new customer', async () => {
      const out = await billingJson(t, argv`customer create --name ${'Contoso Ltd.'}`);

      expect(Object.keys(out)).to.deep.equal(['id']);
      expect(out.id).to.match(/^[1-9]\d*$/);
      const row = (await t.db.knex('customers').where({ id: out.id }).first()) as Json;
      expect(row.name).to.equal('Contoso Ltd.');
    });

    it('account create with only --customer and --currency prints {"id","number"}; it bills to its own customer', async () => {
      const customer = await newCustomer();

      const out = await billingJson(t, argv`account create --customer ${customer} --currency USD`);

      expect(Object.keys(out).sort()).to.deep.equal(['id', 'number']);
      expect(out.number).to.match(/^F\d{7,}$/);
      const row = (await t.db.knex('accounts').where({ id: out.id }).first()) as Json;
      expect(row).to.include({ customer_id: customer, number: out.number, currency: 'USD' });
      expect(row.bill_to_customer_id).to.equal(customer);
      expect(row.payment_method_added_at).to.equal(null);
    });

    it('account create with --number, --bill-to and --payment-method keeps all three', async () => {
      const customer = await newCustomer();
      const payer = await newCustomer('Payer');

      const out = await billingJson(
        t,
        argv`account create --customer ${customer} --currency eur --number X7654321 --bill-to ${payer} --payment-method`,
      );

      expect(out).to.deep.equal({ id: out.id, number: 'X7654321' });
      const row = (await t.db.knex('accounts').where({ id: out.id }).first()) as Json;
      expect(row).to.include({ customer_id: customer, currency: 'EUR', bill_to_customer_id: payer });
      expect(row.payment_method_added_at).to.be.instanceOf(Date);
    });

    it('user create prints {"id","authenticationToken","developerToken"}, and the tokens work over SOAP', async () => {
      const customer = await newCustomer();

      const out = await billingJson(t, argv`user create --customer ${customer} --role Standard`);

      expect(Object.keys(out).sort()).to.deep.equal(['authenticationToken', 'developerToken', 'id']);
      const res = await postSoap(t.endpoint, soapRequest('SearchCoupons', searchPredicatesXml(customer), out as never));
      expect(res.status, res.body).to.equal(200);
    });

    it('user create with --username, --password and --expires signs in with UserName/Password until it expires', async () => {
      const customer = await newCustomer();
      const username = `legacy-${customer}`;

      const out = await billingJson(
        t,
        argv`user create --customer ${customer} --role ViewOnly --username ${username}
             --password ${'correct horse battery'} --expires 2099-01-01T00:00:00Z`,
      );

      expect(Object.keys(out).sort()).to.deep.equal(['authenticationToken', 'developerToken', 'id']);
      const row = (await t.db.knex('users').where({ id: out.id }).first()) as Json;
      expect(row).to.include({ role: 'ViewOnly', username });
      expect((row.token_expires_at as Date).toISOString()).to.equal('2099-01-01T00:00:00.000Z');
      expect(String(row.password_hash)).not.to.include('correct horse');
      const legacy =
        `<b:DeveloperToken>${out.developerToken as string}</b:DeveloperToken>` +
        `<b:UserName>${username}</b:UserName><b:Password>correct horse battery</b:Password>`;
      const res = await postSoap(t.endpoint, soapRequest('SearchCoupons', searchPredicatesXml(customer), null, legacy));
      expect(res.status, res.body).to.equal(200);
    });

    it('user create with an --expires in the past gives a token that SOAP refuses as expired (109)', async () => {
      const customer = await newCustomer();

      const out = await billingJson(
        t,
        argv`user create --customer ${customer} --role SuperAdmin --expires 2020-01-01T00:00:00Z`,
      );

      const res = await postSoap(t.endpoint, soapRequest('SearchCoupons', searchPredicatesXml(customer), out as never));
      expect(res.status).to.equal(500);
      expect(res.body).to.match(/<Code>109<\/Code>/);
    });

    it('class create with every option prints {"id","name"} and stores each option', async () => {
      const customer = await newCustomer();

      const out = await billingJson(
        t,
        argv`class create --customer ${customer} --name ${'Spring promo'} --type Acquisition --amount 12.34
             --currency USD --threshold 100 --percent-off 12.5 --active-days 30 --start 2026-01-01T00:00:00Z
             --end 2026-12-31T00:00:00Z --expires 2027-06-01T00:00:00Z --redeem-within-days 14 --feature-id 7`,
      );

      expect(out).to.deep.equal({ id: out.id, name: 'Spring promo' });
      const row = (await t.db.knex('coupon_classes').where({ id: out.id }).first()) as Json;
      expect(row).to.include({
        customer_id: customer,
        name: 'Spring promo',
        coupon_type: 'Acquisition',
        amount_minor: '1234',
        spend_threshold_minor: '10000',
        currency: 'USD',
        active_days: 30,
        redeem_within_days: 14,
        feature_id: 7,
      });
      expect(Number(row.percent_off)).to.equal(12.5);
      expect((row.start_date as Date).toISOString()).to.equal('2026-01-01T00:00:00.000Z');
      expect((row.end_date as Date).toISOString()).to.equal('2026-12-31T00:00:00.000Z');
      expect((row.expiration_date as Date).toISOString()).to.equal('2027-06-01T00:00:00.000Z');
    });

    it('coupons mint --count 5000 prints {"codes"}: 5,000 distinct 13-character codes from the code alphabet', async () => {
      const customer = await newCustomer();
      await newClass(customer, 'Bulk');

      const out = await billingJson(t, argv`coupons mint --customer ${customer} --class Bulk --count 5000`);

      expect(Object.keys(out)).to.deep.equal(['codes']);
      const codes = out.codes as string[];
      expect(codes).to.have.length(5000);
      const shape = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);
      expect(codes.filter((c) => !shape.test(c))).to.deep.equal([]);
      expect(new Set(codes).size).to.equal(5000);
      const [row] = (await t.db.knex('coupons').where({ owner_customer_id: customer }).count({ n: '*' })) as {
        n: string | number;
      }[];
      expect(Number(row!.n)).to.equal(5000);
    });
  });

  describe('errors exit non-zero with a clear message on stderr and nothing on stdout', () => {
    it('a missing required flag names the flag and shows the usage', async () => {
      const run = await billingFails(t, argv`account create --customer 1`);

      expect(run.stderr).to.match(/^billing: --currency is required\n/);
      expect(run.stderr).to.include('usage:');
    });

    it('an unknown command says so', async () => {
      const run = await billingFails(t, argv`customer delete --name x`);

      expect(run.stderr).to.match(/^billing: unknown command 'customer delete'/);
    });

    it('an unknown flag says so', async () => {
      const run = await billingFails(t, argv`customer create --name x --colour red`);

      expect(run.stderr).to.match(/^billing: .*--colour/);
    });

    it('a wrong admin key is refused by the server', async () => {
      const run = await billingFails(t, argv`customer create --name x`, {
        BILLING_ADMIN_KEY: 'not-the-admin-key-at-all',
      });

      expect(run.stderr).to.match(/^billing: missing or wrong admin key/);
    });

    it('no admin key at all is refused before calling the server', async () => {
      const run = await billingFails(t, argv`customer create --name x`, { BILLING_ADMIN_KEY: undefined });

      expect(run.stderr).to.match(/^billing: the admin key is required/);
    });

    it('an unreachable server names the URL', async () => {
      const run = await billingFails(t, argv`customer create --name x`, { BILLING_URL: 'http://127.0.0.1:9' });

      expect(run.stderr).to.match(/^billing: cannot reach http:\/\/127\.0\.0\.1:9/);
    });

    it('an unknown customer is reported as not found', async () => {
      const run = await billingFails(t, argv`account create --customer 987654321 --currency USD`);

      expect(run.stderr).to.equal('billing: customer 987654321 not found\n');
    });

    it('a duplicate class name for the same customer is refused', async () => {
      const customer = await newCustomer();
      await newClass(customer, 'Twice');

      const run = await billingFails(
        t,
        argv`class create --customer ${customer} --name Twice --type Retention --amount 5 --currency USD`,
      );

      expect(run.stderr).to.equal(`billing: customer ${customer} already has a class named Twice\n`);
    });

    it('a currency that is not an ISO 4217 code is refused', async () => {
      const customer = await newCustomer();

      const run = await billingFails(t, argv`account create --customer ${customer} --currency US$`);

      expect(run.stderr).to.equal('billing: currency must be a three-letter ISO 4217 code\n');
    });

    it('an amount with more decimals than the currency has is refused (USD: 2)', async () => {
      const customer = await newCustomer();

      const run = await billingFails(
        t,
        argv`class create --customer ${customer} --name Fraction --type Retention --amount 10.005 --currency USD`,
      );

      expect(run.stderr).to.match(/^billing: amount: '10\.005' has more decimals than USD allows \(2\)\n$/);
    });

    it('an amount with more decimals than the currency has is refused (JPY: 0)', async () => {
      const customer = await newCustomer();

      const run = await billingFails(
        t,
        argv`class create --customer ${customer} --name Yen --type Retention --amount 100.5 --currency JPY`,
      );

      expect(run.stderr).to.match(/^billing: amount: '100\.5' has more decimals than JPY allows \(0\)\n$/);
    });

    it('a date that does not exist is refused, not rolled over into the next month', async () => {
      const customer = await newCustomer();

      const run = await billingFails(
        t,
        argv`class create --customer ${customer} --name Leap --type Retention --amount 5 --currency USD
             --start 2026-02-30T00:00:00Z`,
      );

      expect(run.stderr).to.equal(
        'billing: start must be an ISO 8601 date-time with a zone, such as 2026-01-31T00:00:00Z\n',
      );
    });

    it('minting from a class the customer does not have is reported as not found', async () => {
      const customer = await newCustomer();

      const run = await billingFails(t, argv`coupons mint --customer ${customer} --class Nope --count 1`);

      expect(run.stderr).to.equal(`billing: customer ${customer} has no class named Nope\n`);
    });
  });
});

describe('the operator API', function () {
  this.timeout(30000);
  const t = useTestApp();

  const post = (authorization: string | null): Promise<Response> =>
    fetch(`${t.baseUrl}/admin/customers`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(authorization ? { Authorization: authorization } : {}) },
      body: JSON.stringify({ name: 'Intruder' }),
    });
  const customers = async (): Promise<number> =>
    Number(((await t.db.knex('customers').count({ n: '*' })) as { n: string }[])[0]!.n);

  for (const [what, header] of [
    ['no Authorization header', null],
    ['a wrong bearer key', 'Bearer not-the-key'],
    ['the right key without "Bearer"', 'KEY'],
    ['the right key as Basic credentials', 'Basic KEY'],
    ['an empty bearer', 'Bearer '],
  ] as const) {
    it(`answers 401 with a JSON error and changes nothing for ${what}`, async () => {
      const before = await customers();

      const res = await post(header?.replace('KEY', t.adminKey) ?? null);

      expect(res.status).to.equal(401);
      expect(res.headers.get('content-type')).to.match(/^application\/json/);
      expect(((await res.json()) as { error: string }).error).to.match(/admin key/);
      expect(await customers()).to.equal(before);
    });
  }

  it('answers 200 with the right bearer key', async () => {
    const res = await post(`Bearer ${t.adminKey}`);

    expect(res.status).to.equal(200);
    expect(((await res.json()) as { id: string }).id).to.match(/^\d+$/);
  });
});
