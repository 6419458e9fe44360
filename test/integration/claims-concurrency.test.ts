// Concurrent claims (SPEC §4 Claims): real HTTP calls in parallel, spread over two service instances on one
// database (on PostgreSQL, two connection pools racing for the same rows). One coupon is claimed at most once, and
// one account gets at most one coupon of a feature, whoever asks and through whichever operation.
import { expect } from 'chai';
import { postSoap, soapRequest, type TestApp } from '../support/app.ts';
import { makeAccount, makeCouponClass, makeWorld, mint, type World } from '../support/factories.ts';
import { startTwoApps, type TwoApps } from '../support/instances.ts';

const ARR = 'http://schemas.microsoft.com/2003/10/Serialization/Arrays';

/** What one index of a batch answered: claimed, or the codes of its PartialErrors entry. */
type IndexOutcome = 'claimed' | number[];

/** The inner lists of PartialErrors, in order ([] for a success), from a raw response. */
function partialErrors(body: string): IndexOutcome[] {
  const section = /<PartialErrors>(.*)<\/PartialErrors>/s.exec(body)?.[1] ?? '';
  return [
    ...section.matchAll(/<x:ArrayOfOperationError>(.*?)<\/x:ArrayOfOperationError>|<x:ArrayOfOperationError\/>/gs),
  ].map((m) => {
    const codes = [...(m[1] ?? '').matchAll(/<x:Code>(\d+)<\/x:Code>/g)].map((c) => Number(c[1]));
    return codes.length === 0 ? 'claimed' : codes;
  });
}

async function claimOne(t: TestApp, w: World, accountId: string, code: string): Promise<IndexOutcome> {
  const inner =
    `<b:AccountCouponPairs><e:KeyValueEntityOflongstring><e:Key>${accountId}</e:Key><e:Value>${code}</e:Value>` +
    `</e:KeyValueEntityOflongstring></b:AccountCouponPairs>`;
  const res = await postSoap(t.endpoint, soapRequest('ClaimFeatureAdoptionCoupons', inner, w.user));
  expect(res.status, res.body).to.equal(200);
  const [outcome] = partialErrors(res.body);
  expect(outcome, res.body).to.not.equal(undefined);
  return outcome!;
}

async function distributeOne(
  t: TestApp,
  w: World,
  accountIds: readonly string[],
  className: string,
): Promise<IndexOutcome[]> {
  const inner =
    `<b:AccountIds xmlns:a="${ARR}">${accountIds.map((id) => `<a:int>${id}</a:int>`).join('')}</b:AccountIds>` +
    `<b:ClassName>${className}</b:ClassName><b:SendNotification>false</b:SendNotification>`;
  const res = await postSoap(t.endpoint, soapRequest('DistributeCoupons', inner, w.user));
  expect(res.status, res.body).to.equal(200);
  return partialErrors(res.body);
}

describe('Concurrent claims claim each coupon once and each feature once per account', function () {
  this.timeout(180_000);
  let two: TwoApps;
  let instances: readonly TestApp[];
  let classNo = 0;

  before(async () => {
    two = await startTwoApps({ outboxWorker: false });
    instances = two.apps;
  });
  after(async () => two?.close());

  const on = (i: number): TestApp => instances[i % instances.length]!;
  async function featureClass(w: World, count: number): Promise<{ name: string; codes: string[] }> {
    const name = `Concurrent${++classNo}`;
    await makeCouponClass(t0(), w.customerId, { name, featureId: 500 + classNo });
    return { name, codes: await mint(t0(), w.customerId, name, count) };
  }
  const t0 = (): TestApp => instances[0]!;
  async function claimsOf(codes: readonly string[]): Promise<{ coupon: string; account: string }[]> {
    return (await two.database.db
      .knex('account_events as e')
      .join('coupons as c', 'c.id', 'e.coupon_id')
      .whereIn('c.code', codes)
      .where('e.kind', 'claim')
      .select({ coupon: 'c.code', account: 'e.account_id' })) as { coupon: string; account: string }[];
  }

  it('20 accounts claiming one coupon at once: exactly one claim, the other 19 are told 4513', async () => {
    const w = await makeWorld(t0());
    const accounts = [w.accountId];
    for (let i = 1; i < 20; i++) accounts.push((await makeAccount(t0(), w.customerId)).id);
    const { codes } = await featureClass(w, 1);

    const outcomes = await Promise.all(accounts.map((a, i) => claimOne(on(i), w, a, codes[0]!)));

    const winners = accounts.filter((_, i) => outcomes[i] === 'claimed');
    expect(winners).to.have.length(1);
    expect(outcomes.filter((o) => o !== 'claimed')).to.deep.equal(Array(19).fill([4513]));
    const claims = await claimsOf(codes);
    expect(claims.map((c) => String(c.account))).to.deep.equal(winners);
    const row = (await two.database.db.knex('coupons').where({ code: codes[0] }).first('claimed_account_id')) as {
      claimed_account_id: string;
    };
    expect(row.claimed_account_id).to.equal(winners[0]);
  });

  it('one account claiming two coupons of one feature at once: one succeeds, the other is told 4514', async () => {
    const w = await makeWorld(t0());
    for (let round = 0; round < 5; round++) {
      const account = (await makeAccount(t0(), w.customerId)).id;
      const { codes } = await featureClass(w, 2);

      const outcomes = await Promise.all(codes.map((code, i) => claimOne(on(i), w, account, code)));

      expect(
        outcomes.filter((o) => o === 'claimed'),
        JSON.stringify(outcomes),
      ).to.have.length(1);
      expect(outcomes.filter((o) => o !== 'claimed')).to.deep.equal([[4514]]);
      expect(await claimsOf(codes)).to.have.length(1);
    }
  });

  it('DistributeCoupons racing a claim of the same feature for one account: the account ends with one coupon', async () => {
    const w = await makeWorld(t0());
    for (let round = 0; round < 5; round++) {
      const account = (await makeAccount(t0(), w.customerId)).id;
      const { name, codes } = await featureClass(w, 3);

      const [claimed, distributed] = await Promise.all([
        claimOne(on(round), w, account, codes[2]!),
        distributeOne(on(round + 1), w, [account], name),
      ]);

      const outcomes = [claimed, distributed[0]!];
      expect(
        outcomes.filter((o) => o === 'claimed'),
        JSON.stringify(outcomes),
      ).to.have.length(1);
      expect(outcomes.filter((o) => o !== 'claimed')).to.deep.equal([[4514]]);
      expect(await claimsOf(codes)).to.have.length(1);
    }
  });

  it('concurrent DistributeCoupons of one class never hand out a coupon twice', async () => {
    const w = await makeWorld(t0());
    const accounts: string[] = [];
    for (let i = 0; i < 12; i++) accounts.push((await makeAccount(t0(), w.customerId)).id);
    const { name, codes } = await featureClass(w, 8);

    const batches = [accounts.slice(0, 4), accounts.slice(4, 8), accounts.slice(8, 12)];
    const results = await Promise.all(batches.map((b, i) => distributeOne(on(i), w, b, name)));

    const all = results.flat();
    expect(all.filter((o) => o === 'claimed')).to.have.length(8);
    expect(all.filter((o) => o !== 'claimed')).to.deep.equal(Array(4).fill([4508]));
    const claims = await claimsOf(codes);
    expect(claims).to.have.length(8);
    expect(new Set(claims.map((c) => c.coupon)).size).to.equal(8);
    expect(new Set(claims.map((c) => String(c.account))).size).to.equal(8);
  });
});
