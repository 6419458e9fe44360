// The operator interface refuses what it cannot mean (SPEC §6): strict dates, positive amounts with at most the
// currency's decimals, a test clock that only moves forward by calendar months and years. Every refusal is an HTTP
// 400 with a JSON error naming the field (never a 500) and changes nothing; the CLI exits non-zero with the message.
import { expect } from 'chai';
import { useTestApp } from '../support/app.ts';
import { runBilling } from '../support/cli.ts';
import { makeAccount, makeCustomer } from '../support/factories.ts';

describe('the operator interface refuses what it cannot mean', function () {
  this.timeout(180000);
  const t = useTestApp({ testClock: true });

  async function raw(method: string, route: string, body?: unknown): Promise<{ status: number; error: string }> {
    const res = await fetch(`${t.baseUrl}${route}`, {
      method,
      headers: { Authorization: `Bearer ${t.adminKey}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const json = (await res.json()) as { error?: string };
    return { status: res.status, error: json.error ?? '' };
  }
  const spendCount = async (): Promise<number> =>
    Number(((await t.db.knex('account_events').where({ kind: 'spend' }).count({ n: '*' })) as { n: string }[])[0]!.n);

  describe('dates', () => {
    for (const bad of [
      '2026-02-30T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-01-01T24:00:01Z',
      '2026-01-01T00:00:00',
      '2026-01-01',
      '1767225600000',
      'yesterday',
    ])
      it(`spend --at ${bad} is refused with a message naming --at, and records nothing`, async () => {
        const account = (await makeAccount(t, await makeCustomer(t))).id;
        const before = await spendCount();

        const run = await runBilling(t, ['spend', 'record', '--account', account, '--amount', '5', '--at', bad]);

        expect(run.status).to.equal(1);
        expect(run.stdout).to.equal('');
        expect(run.stderr).to.equal(
          'billing: at must be an ISO 8601 date-time with a zone, such as 2026-01-31T00:00:00Z\n',
        );
        expect(await spendCount()).to.equal(before);
      });

    it('a bare number as a JSON date is refused, not read as milliseconds', async () => {
      const customer = await makeCustomer(t);

      const res = await raw('POST', '/admin/users', { customer, role: 'Standard', expires: 1767225600000 });

      expect(res).to.deep.equal({
        status: 400,
        error: 'expires must be an ISO 8601 date-time with a zone, such as 2026-01-31T00:00:00Z',
      });
    });

    for (const field of ['start', 'end', 'expires'])
      it(`class create --${field} 2026-04-31T00:00:00Z is refused, naming --${field}`, async () => {
        const customer = await makeCustomer(t);

        const run = await runBilling(t, [
          ...['class', 'create', '--customer', customer, '--name', 'X', '--type', 'Retention'],
          ...['--amount', '5', '--currency', 'USD', `--${field}`, '2026-04-31T00:00:00Z'],
        ]);

        expect(run.status).to.equal(1);
        expect(run.stderr).to.match(new RegExp(`^billing: ${field} must be an ISO 8601 date-time with a zone`));
        expect(await t.db.knex('coupon_classes').where({ customer_id: customer })).to.have.length(0);
      });

    it('a date with an offset is read as the instant it names', async () => {
      const account = (await makeAccount(t, await makeCustomer(t))).id;

      const out = await t.admin<{ id: string }>('/admin/spend', {
        account,
        amount: '1',
        at: '2026-01-01T05:30:00+05:30',
      });

      const row = (await t.db.knex('account_events').where({ id: out.id }).first()) as { at: Date };
      expect(row.at.toISOString()).to.equal('2026-01-01T00:00:00.000Z');
    });
  });

  describe('amounts', () => {
    for (const [amount, message] of [
      ['0', "amount: '0' is not a positive decimal amount"],
      ['-5', "amount: '-5' is not a positive decimal amount"],
      ['1e3', "amount: '1e3' is not a positive decimal amount"],
      ['NaN', "amount: 'NaN' is not a positive decimal amount"],
      ['Infinity', "amount: 'Infinity' is not a positive decimal amount"],
      ['1.001', "amount: '1.001' has more decimals than USD allows (2)"],
    ])
      it(`spend record --amount ${amount} is refused: ${message}`, async () => {
        const account = (await makeAccount(t, await makeCustomer(t))).id;
        const before = await spendCount();

        // `--amount=-5`: a separate `-5` would be read as a flag.
        const run = await runBilling(t, ['spend', 'record', '--account', account, `--amount=${amount}`]);

        expect(run.status).to.equal(1);
        expect(run.stderr).to.equal(`billing: ${message}\n`);
        expect(await spendCount()).to.equal(before);
      });

    it('a JPY spend with decimals is refused; a JSON number amount in USD is read exactly', async () => {
      const yen = (await makeAccount(t, await makeCustomer(t), { currency: 'JPY' })).id;
      const usd = (await makeAccount(t, await makeCustomer(t))).id;

      const refused = await raw('POST', '/admin/spend', { account: yen, amount: '100.5' });
      const ok = await t.admin<{ id: string }>('/admin/spend', { account: usd, amount: 19.99 });

      expect(refused).to.deep.equal({ status: 400, error: "amount: '100.5' has more decimals than JPY allows (0)" });
      const row = (await t.db.knex('account_events').where({ id: ok.id }).first()) as { amount_minor: string };
      expect(row.amount_minor).to.equal('1999');
    });

    it('a batch item with a zero amount refuses the whole batch, naming the item', async () => {
      const account = (await makeAccount(t, await makeCustomer(t))).id;
      const before = await spendCount();

      const res = await raw('POST', '/admin/spend/batch', {
        events: [
          { account, amount: '1' },
          { account, amount: 0 },
        ],
      });

      expect(res).to.deep.equal({ status: 400, error: "events[1].amount: '0' is not a positive decimal amount" });
      expect(await spendCount()).to.equal(before);
    });
  });

  describe('the test clock', () => {
    beforeEach(async () => {
      await t.admin('/admin/clock/reset', { at: '2099-01-31T00:00:00Z' });
    });
    const now = async (): Promise<string> => (await t.admin<{ now: string }>('/admin/clock', undefined, 'GET')).now;

    it('clock set to an earlier time than the simulated now is refused and leaves the clock where it was', async () => {
      const run = await runBilling(t, ['clock', 'set', '2099-01-01T00:00:00Z']);

      expect(run.status).to.equal(1);
      expect(run.stderr).to.match(
        /^billing: the test clock only moves forward: 2099-01-01T00:00:00\.000Z is before its current time 2099-01-31T00:00:0/,
      );
      expect((await now()).slice(0, 10)).to.equal('2099-01-31');
    });

    it('clock set to a later time moves it there', async () => {
      const run = await runBilling(t, ['clock', 'set', '2099-06-01T12:00:00Z']);

      expect(run.status).to.equal(0);
      expect((JSON.parse(run.stdout) as { now: string }).now).to.equal('2099-06-01T12:00:00.000Z');
    });

    it('clock advance P1M from 2099-01-31 lands on 2099-02-28, then P1M on 2099-03-28', async () => {
      const first = JSON.parse((await runBilling(t, ['clock', 'advance', 'P1M'])).stdout) as { now: string };
      const second = JSON.parse((await runBilling(t, ['clock', 'advance', 'P1M'])).stdout) as { now: string };

      expect(first.now.slice(0, 10)).to.equal('2099-02-28');
      expect(second.now.slice(0, 10)).to.equal('2099-03-28');
    });

    it('clock advance P1Y from 2096-02-29 lands on 2097-02-28; P1M from 2099-03-31 on 2099-04-30', async () => {
      await t.admin('/admin/clock/reset', { at: '2096-02-29T00:00:00Z' });
      const leap = await t.admin<{ now: string }>('/admin/clock', { advance: 'P1Y' });
      await t.admin('/admin/clock/reset', { at: '2099-03-31T00:00:00Z' });
      const april = await t.admin<{ now: string }>('/admin/clock', { advance: 'P1M' });

      expect(leap.now.slice(0, 10)).to.equal('2097-02-28');
      expect(april.now.slice(0, 10)).to.equal('2099-04-30');
    });

    for (const bad of ['PT0S', 'P0D', '-P1D', 'P1.5M', '86400', 'tomorrow'])
      it(`clock advance ${bad} is refused and the clock does not move`, async () => {
        const run = await runBilling(t, ['clock', 'advance', '--', bad]);

        expect(run.status).to.equal(1);
        expect(run.stderr).to.equal('billing: advance must be a positive ISO 8601 duration such as P1D, PT2H or P1M\n');
        expect((await now()).slice(0, 10)).to.equal('2099-01-31');
      });

    it('clock set with an impossible date is refused, naming set', async () => {
      const run = await runBilling(t, ['clock', 'set', '2099-02-30T00:00:00Z']);

      expect(run.status).to.equal(1);
      expect(run.stderr).to.equal(
        'billing: set must be an ISO 8601 date-time with a zone, such as 2026-01-31T00:00:00Z\n',
      );
    });

    it('clock reset is the one way back: a new test clock at the given time', async () => {
      const run = await runBilling(t, ['clock', 'reset', '2030-01-01T00:00:00Z']);

      expect(run.status).to.equal(0);
      expect((await now()).slice(0, 10)).to.equal('2030-01-01');
    });
  });

  describe('garbage in every field of every route', () => {
    const GARBAGE: readonly unknown[] = [
      null,
      true,
      -1,
      0,
      1e308,
      '',
      ' ',
      'abc',
      '2026-02-30T00:00:00Z',
      '99999999999999999999999',
      '9223372036854775808',
      '-1',
      '1e3',
      'NaN',
      'a\u0000b',
      'x'.repeat(10_000),
      [],
      ['1'],
      {},
      { $gt: 1 },
    ];
    const ROUTES: readonly (readonly [string, string, readonly string[]])[] = [
      ['POST', '/admin/customers', ['name']],
      ['POST', '/admin/accounts', ['customer', 'currency', 'number', 'billTo', 'paymentMethod', 'email']],
      ['POST', '/admin/users', ['customer', 'role', 'username', 'password', 'expires']],
      [
        'POST',
        '/admin/classes',
        [
          'customer',
          'name',
          'type',
          'amount',
          'currency',
          'threshold',
          'percentOff',
          'activeDays',
          'start',
          'end',
          'expires',
          'redeemWithinDays',
          'featureId',
        ],
      ],
      ['POST', '/admin/coupons/mint', ['customer', 'class', 'count']],
      ['POST', '/admin/coupons/revoke', ['code', 'reason']],
      ['POST', '/admin/spend', ['account', 'amount', 'at', 'transactionId']],
      ['POST', '/admin/spend/batch', ['events']],
      ['POST', '/admin/clock', ['set', 'advance']],
      ['POST', '/admin/clock/reset', ['at']],
    ];

    it('no value in any field of any route gives a 500, and every refusal is a JSON error', async () => {
      const customer = await makeCustomer(t);
      const account = (await makeAccount(t, customer)).id;
      const valid: Record<string, unknown> = {
        name: 'Valid',
        customer,
        currency: 'USD',
        role: 'Standard',
        type: 'Retention',
        amount: '5',
        class: 'Valid',
        count: 1,
        code: 'NOSUCHCODE',
        account,
        events: [{ account, amount: '1' }],
        advance: 'PT1S',
      };
      const statuses = new Map<number, number>();
      for (const [method, route, fields] of ROUTES)
        for (const field of fields)
          for (const value of GARBAGE) {
            const body: Record<string, unknown> = {};
            for (const f of fields) if (valid[f] !== undefined) body[f] = valid[f];
            if (route === '/admin/clock') delete body.advance;
            body[field] = value;
            const res = await raw(method, route, body);
            expect(res.status, `${route} ${field}=${JSON.stringify(value).slice(0, 40)}: ${res.error}`).to.be.below(
              500,
            );
            if (res.status >= 400) expect(res.error, route).to.be.a('string').and.not.equal('');
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          }
      for (const [route, ids] of [
        ['/admin/accounts/ID/offers', ['abc', '0', '99999999999999999999', '%00', "1'--"]],
        ['/admin/accounts/ID/payment-method', ['abc', '-1', '9223372036854775808']],
      ] as const)
        for (const id of ids) {
          const res = await raw(route.endsWith('offers') ? 'GET' : 'POST', route.replace('ID', id));
          expect(res.status, `${route} ${id}`).to.be.oneOf([400, 404]);
        }
      for (const body of ['{', '[]', '"text"', '\u00ff\u00fe', 'null'])
        expect((await raw('POST', '/admin/spend', body)).status, body).to.equal(400);
      expect(statuses.get(400)).to.be.greaterThan(100);
    });

    it('a body that is not UTF-8 is a 400', async () => {
      const res = await fetch(`${t.baseUrl}/admin/customers`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${t.adminKey}`, 'Content-Type': 'application/json' },
        body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]),
      });

      expect(res.status).to.equal(400);
      expect(((await res.json()) as { error: string }).error).to.equal('the body must be UTF-8 JSON');
    });
  });
});
