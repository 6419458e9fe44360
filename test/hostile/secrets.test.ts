// Secrets (SPEC §8: "no fault or log line ever contains a token or password"): tokens and passwords pasted into
// the wrong place — a body field, a predicate, a class name — never come back in a fault or reach the log; the
// database holds only their hashes; and coupon codes are long and random enough that nobody guesses one.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { CODE_ALPHABET, CODE_LENGTH, newCouponCode } from '../../src/services/coupon-codes.ts';
import { postSoap, soapRequest, useTestApp } from '../support/app.ts';
import { makeUser, makeWorldWithCoupons, predicateXml, searchPredicatesXml, type World } from '../support/factories.ts';
import { esc } from '../support/hostile.ts';
import { ARRAYS, expectFault, type Answer } from '../support/soap.ts';

describe('tokens and passwords are never echoed, logged or stored in clear', function () {
  this.timeout(60000);
  const t = useTestApp();
  let w: World;
  const password = 'S3cret&<Password>"with quotes"';
  let legacy: { id: string; authenticationToken: string; developerToken: string };
  let secrets: string[];

  before(async () => {
    ({ w } = await makeWorldWithCoupons(t, 1));
    legacy = await makeUser(t, w.customerId, { username: 'legacy.user', password });
    secrets = [w.user.authenticationToken, w.user.developerToken, legacy.authenticationToken, legacy.developerToken];
  });

  const tokenCall = (op: string, inner: string): Promise<Answer> =>
    postSoap(t.endpoint, soapRequest(op, inner, w.user));
  const passwordCall = (op: string, inner: string): Promise<Answer> =>
    postSoap(
      t.endpoint,
      soapRequest(
        op,
        inner,
        null,
        `<b:DeveloperToken>${legacy.developerToken}</b:DeveloperToken><b:UserName>legacy.user</b:UserName>` +
          `<b:Password>${esc(password)}</b:Password>`,
      ),
    );
  /** One predicate beside the CustomerId predicate that SearchCoupons requires. */
  const predicate = (field: string, op: string, value: string): string =>
    searchPredicatesXml(w.customerId, predicateXml(field, op, value));
  const dispatch = (className: string): string =>
    `<b:SendToEmails xmlns:a="${ARRAYS}"><a:string>x@example.com</a:string></b:SendToEmails>` +
    `<b:CustomerId>${w.customerId}</b:CustomerId><b:CouponClassName>${className}</b:CouponClassName>`;

  /** Neither the secret nor its XML-escaped form, nor a 12-character start of it, is in the answer. */
  function noSecretIn(res: Answer, secret: string): void {
    for (const form of [secret, esc(secret), secret.slice(0, 12), esc(secret).slice(0, 12)])
      expect(res.body, 'a secret in the answer').to.not.include(form);
  }

  describe('a token sent in the body', () => {
    it('as a PageInfo.Index is 201, and the fault names the element without quoting the token', async () => {
      const token = w.user.authenticationToken;
      const res = await tokenCall(
        'SearchCoupons',
        `<b:PageInfo><e:Index>${token}</e:Index><e:Size>1</e:Size></b:PageInfo>`,
      );
      const f = expectFault(res, { faultcode: 'Client', detail: 'ApiFault', codes: [201] });
      expect(f.details[0]).to.include('PageInfo.Index');
      noSecretIn(res, token);
    });

    it('as a predicate field is 3030 without the token', async () => {
      const res = await tokenCall('SearchCoupons', predicate(w.user.developerToken, 'Equals', 'x'));
      expectFault(res, { faultcode: 'Server', detail: 'ApiFault', codes: [3030] });
      noSecretIn(res, w.user.developerToken);
    });

    it('as a predicate value is data: a 3030 for an id field, an empty result for a name', async () => {
      // The token in place of the required CustomerId's value.
      const asId = await tokenCall(
        'SearchCoupons',
        `<b:Predicates>${predicateXml('CustomerId', 'Equals', w.user.authenticationToken)}</b:Predicates>`,
      );
      expectFault(asId, { faultcode: 'Server', detail: 'ApiFault', codes: [3030] });
      noSecretIn(asId, w.user.authenticationToken);
      const asName = await tokenCall('SearchCoupons', predicate('ClassName', 'Equals', w.user.authenticationToken));
      expect(asName.status).to.equal(200);
      expect(asName.body).to.include('<Coupons></Coupons>');
    });

    it('as a CouponClassName is 4507 without the token, as a CouponCode 4500', async () => {
      const res = await tokenCall('DispatchCoupons', dispatch(w.user.authenticationToken));
      expectFault(res, { faultcode: 'Server', detail: 'ApiFault', codes: [4507] });
      noSecretIn(res, w.user.authenticationToken);
      const code = await tokenCall(
        'RedeemCoupon',
        `<b:AccountId>${w.accountId}</b:AccountId><b:CouponCode>${w.user.authenticationToken}</b:CouponCode>`,
      );
      expectFault(code, { faultcode: 'Server', detail: 'ApiFault', codes: [4500] });
      noSecretIn(code, w.user.authenticationToken);
    });

    it('as an unexpected element’s name is 201 without the token', async () => {
      // Base64url tokens can start with a digit or '-', which no XML name may: the name gets a prefix letter.
      const name = `T${w.user.authenticationToken}`;
      const res = await tokenCall('SearchCoupons', `<b:${name}>1</b:${name}>`);
      expectFault(res, { faultcode: 'Client', detail: 'ApiFault', codes: [201] });
      noSecretIn(res, w.user.authenticationToken);
    });
  });

  describe('a password sent in the body of a UserName/Password request', () => {
    it('as a CouponClassName is 4507 without the password', async () => {
      const res = await passwordCall('DispatchCoupons', dispatch(esc(password)));
      expectFault(res, { faultcode: 'Server', detail: 'ApiFault', codes: [4507] });
      noSecretIn(res, password);
    });

    it('as a boolean or a date is 201 without the password', async () => {
      const bool = await passwordCall('DistributeCoupons', `<b:SendNotification>${esc(password)}</b:SendNotification>`);
      expectFault(bool, { faultcode: 'Client', detail: 'ApiFault', codes: [201] });
      noSecretIn(bool, password);
      const date = await passwordCall(
        'GetAccountMonthlySpend',
        `<b:AccountId>${w.accountId}</b:AccountId><b:MonthYear>${esc(password)}</b:MonthYear>`,
      );
      expectFault(date, { faultcode: 'Client', detail: 'ApiFault', codes: [201] });
      noSecretIn(date, password);
    });

    it('as a predicate field is 3030 without the password', async () => {
      const res = await passwordCall('SearchCoupons', predicate(esc(password), 'Equals', 'x'));
      expectFault(res, { faultcode: 'Server', detail: 'ApiFault', codes: [3030] });
      noSecretIn(res, password);
    });
  });

  it('a wrong password, or a token as the password, is 105 without either', async () => {
    const res = await postSoap(
      t.endpoint,
      soapRequest(
        'SearchCoupons',
        '',
        null,
        `<b:DeveloperToken>${legacy.developerToken}</b:DeveloperToken><b:UserName>legacy.user</b:UserName>` +
          `<b:Password>${w.user.authenticationToken}</b:Password>`,
      ),
    );
    expectFault(res, { faultcode: 'Server', detail: 'AdApiFaultDetail', codes: [105] });
    noSecretIn(res, w.user.authenticationToken);
    noSecretIn(res, legacy.developerToken);
  });

  // Nested, so it runs after every request above has been logged.
  describe('afterwards', () => {
    it('no log line of any of these requests holds a token or the password', () => {
      const all = [...secrets, password, esc(password)];
      expect(t.logs.length).to.be.greaterThan(10);
      for (const line of t.logs) for (const s of all) expect(line, 'a secret in a log line').to.not.include(s);
    });

    it('no table of the database holds a token or the password in clear; users hold their SHA-256', async () => {
      const tables = (
        (await t.db.knex.raw(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
        )) as { rows: { table_name: string }[] }
      ).rows.map((r) => r.table_name);
      expect(tables).to.include('users');
      for (const table of tables) {
        const { rows } = (await t.db.knex.raw(`SELECT t::text AS row FROM ?? t`, [table])) as {
          rows: { row: string }[];
        };
        const text = rows.map((r) => r.row).join('\n');
        for (const s of [...secrets, password]) {
          expect(text, `${table} holds a secret`).to.not.include(s);
          // Nor hex or base64 of the secret's own bytes (bytea columns print as hex).
          expect(text, `${table} holds a secret as hex`).to.not.include(Buffer.from(s).toString('hex'));
        }
      }
      const row = (await t.db.knex('users').where({ id: w.user.id }).first()) as {
        token_hash: Buffer;
        developer_token_hash: Buffer;
      };
      const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
      expect(Buffer.from(row.token_hash).toString('hex')).to.equal(sha(w.user.authenticationToken));
      expect(Buffer.from(row.developer_token_hash).toString('hex')).to.equal(sha(w.user.developerToken));
      const legacyRow = (await t.db.knex('users').where({ id: legacy.id }).first()) as { password_hash: string };
      expect(legacyRow.password_hash).to.match(/^scrypt\$\d+\$\d+\$\d+\$[\w-]+\$[\w-]+$/);
    });
  });
});

describe('coupon codes cannot be guessed', function () {
  this.timeout(60000);

  it(`${CODE_LENGTH} symbols from a ${CODE_ALPHABET.length}-symbol alphabet carry at least 60 bits`, () => {
    expect(new Set(CODE_ALPHABET).size).to.equal(CODE_ALPHABET.length);
    const bits = CODE_LENGTH * Math.log2(CODE_ALPHABET.length);
    expect(bits).to.be.at.least(60);
    console.log(`      ${bits.toFixed(1)} bits`);
  });

  it('100,000 codes are all distinct, of the right length and alphabet, and spread evenly over it', () => {
    const codes = Array.from({ length: 100_000 }, () => newCouponCode());
    expect(new Set(codes).size).to.equal(codes.length);
    const counts = new Map<string, number>([...CODE_ALPHABET].map((c) => [c, 0]));
    const byPosition = Array.from({ length: CODE_LENGTH }, () => new Map<string, number>());
    const misfits: string[] = [];
    for (const code of codes) {
      if (code.length !== CODE_LENGTH) misfits.push(code);
      for (let i = 0; i < code.length; i++) {
        const c = code[i]!;
        const n = counts.get(c);
        if (n === undefined) misfits.push(code);
        else counts.set(c, n + 1);
        byPosition[i]?.set(c, (byPosition[i]!.get(c) ?? 0) + 1);
      }
    }
    expect(misfits, 'codes of another length or with symbols outside the alphabet').to.deep.equal([]);
    const chiSquare = (observed: readonly number[]): number => {
      const total = observed.reduce((a, b) => a + b, 0);
      const expected = total / CODE_ALPHABET.length;
      return observed.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
    };
    // 30 degrees of freedom: P(χ² > 70) ≈ 5e-5 for a uniform source; a modulo bias of 256 % 31 would give thousands.
    const overall = chiSquare([...counts.values()]);
    expect(overall).to.be.lessThan(70);
    // Per position as well (13 tests, so a slightly wider bound: P(χ² > 80) ≈ 2e-6 each).
    for (const m of byPosition) expect(chiSquare([...CODE_ALPHABET].map((c) => m.get(c) ?? 0))).to.be.lessThan(80);
    console.log(`      χ² = ${overall.toFixed(1)} over ${CODE_ALPHABET.length} symbols (30 d.f.)`);
  });
});
