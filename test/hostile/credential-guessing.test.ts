// Guessing credentials (SPEC §8): failed SOAP authentications — UserName/Password and tokens — are counted per
// user name and per client address in PostgreSQL, shared with the /offers sign-in and across instances; once a key
// has SIGN_IN_MAX_FAILURES of them, even the right credentials get AdApiFaultDetail 117 with the wait in Detail.
// Password hashing runs under a cap, so a flood of guesses cannot queue unbounded scrypt work.
import { expect } from 'chai';
import { loadConfig } from '../../src/config.ts';
import { hashingStats, resetHashingStats } from '../../src/secrets.ts';
import { freshDatabase, soapRequest, startTestApp, type TestApp, type TestDatabase } from '../support/app.ts';
import { makeCustomer, makeUser, searchPredicatesXml } from '../support/factories.ts';
import { expectFault } from '../support/soap.ts';
import { passwordHeaders, postSoapFrom } from '../support/source-address.ts';

const LIMIT = 3;

interface PasswordUser {
  readonly id: string;
  readonly userName: string;
  readonly password: string;
  readonly authenticationToken: string;
  readonly developerToken: string;
}

describe('failed SOAP sign-ins are limited per user name and per address, on every instance', function () {
  this.timeout(120000);
  let tdb: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let customer: string;
  let n = 0;

  before(async () => {
    tdb = await freshDatabase();
    const config = { signInMaxFailures: LIMIT, signInWindowMs: 600_000 };
    a = await startTestApp(config, tdb);
    b = await startTestApp(config, tdb);
    customer = await makeCustomer(a);
  });
  after(async () => {
    await b?.close();
    await a?.close();
    await tdb?.drop();
  });

  async function passwordUser(): Promise<PasswordUser> {
    const userName = `guessed-${++n}`;
    const password = `right-password-${n}`;
    const u = await makeUser(a, customer, { username: userName, password });
    return { ...u, userName, password };
  }
  const withPassword = (u: PasswordUser, password: string): string =>
    soapRequest(
      'SearchCoupons',
      searchPredicatesXml(customer),
      null,
      passwordHeaders(u.userName, password, u.developerToken),
    );
  const withToken = (u: { authenticationToken: string; developerToken: string }): string =>
    soapRequest('SearchCoupons', searchPredicatesXml(customer), u);

  it('after the limit of wrong passwords for a user name, even its right password from elsewhere is 117 with the wait', async () => {
    const u = await passwordUser();
    for (let i = 0; i < LIMIT; i++)
      expectFault(await postSoapFrom(a.endpoint, withPassword(u, 'wrong'), '127.0.0.11'), {
        faultcode: 'Server',
        detail: 'AdApiFaultDetail',
        codes: [105],
      });

    const right = await postSoapFrom(a.endpoint, withPassword(u, u.password), '127.0.0.12');
    const f = expectFault(right, { faultcode: 'Server', detail: 'AdApiFaultDetail', codes: [117] });
    expect(f.details[0]).to.match(/^Retry in \d+ s\.$/);
    const seconds = Number(/\d+/.exec(f.details[0]!)![0]);
    expect(seconds).to.be.within(590, 600);
    // The guessing address is paused too, for any user; a third address and another user are not.
    const other = await passwordUser();
    expectFault(await postSoapFrom(a.endpoint, withToken(other), '127.0.0.11'), {
      faultcode: 'Server',
      detail: 'AdApiFaultDetail',
      codes: [117],
    });
    expect((await postSoapFrom(a.endpoint, withPassword(other, other.password), '127.0.0.13')).status).to.equal(200);
  });

  it('wrong tokens count against the address: after the limit a valid token from there is 117, elsewhere 200', async () => {
    const u = await passwordUser();
    for (let i = 0; i < LIMIT; i++)
      expectFault(
        await postSoapFrom(a.endpoint, withToken({ ...u, authenticationToken: `forged-${i}` }), '127.0.0.21'),
        { faultcode: 'Server', detail: 'AdApiFaultDetail', codes: [105] },
      );
    expectFault(await postSoapFrom(a.endpoint, withToken(u), '127.0.0.21'), {
      faultcode: 'Server',
      detail: 'AdApiFaultDetail',
      codes: [117],
    });
    expect((await postSoapFrom(a.endpoint, withToken(u), '127.0.0.22')).status).to.equal(200);
  });

  it('a paused address is answered 117 before its request body is read, so its flood costs no parsing', async () => {
    const u = await passwordUser();
    for (let i = 0; i < LIMIT; i++)
      expectFault(
        await postSoapFrom(a.endpoint, withToken({ ...u, authenticationToken: `forged-${i}` }), '127.0.0.61'),
        { faultcode: 'Server', detail: 'AdApiFaultDetail', codes: [105] },
      );
    const huge = withToken(u).replace('</s:Body>', `${'<x a="1"/>'.repeat(100_000)}</s:Body>`);
    expect(huge.length).to.be.greaterThan(900 * 1024);

    const f = expectFault(await postSoapFrom(a.endpoint, huge, '127.0.0.61'), {
      faultcode: 'Server',
      detail: 'AdApiFaultDetail',
      codes: [117],
    });

    const line = a.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.trackingId === f.headerTrackingId && l.msg === 'request');
    expect(line, 'the request is logged').to.not.equal(undefined);
    expect(line!.parsedChars, 'no character of the document was parsed').to.equal(undefined);
    expect((await postSoapFrom(a.endpoint, withToken(u), '127.0.0.62')).status).to.equal(200);
  });

  it('failures on one instance count on the other: two on A and one on B pause the user name on both', async () => {
    const u = await passwordUser();
    await postSoapFrom(a.endpoint, withPassword(u, 'wrong'), '127.0.0.31');
    await postSoapFrom(a.endpoint, withPassword(u, 'wrong'), '127.0.0.32');
    const beforeLimit = await postSoapFrom(b.endpoint, withPassword(u, u.password), '127.0.0.33');
    expect(beforeLimit.status, 'two failures are under the limit').to.equal(200);
    // A success clears the user name's count (not the addresses'): three more failures are needed, on B now.
    for (const ip of ['127.0.0.34', '127.0.0.35', '127.0.0.36'])
      await postSoapFrom(b.endpoint, withPassword(u, 'wrong'), ip);
    for (const app of [a, b])
      expectFault(await postSoapFrom(app.endpoint, withPassword(u, u.password), '127.0.0.37'), {
        faultcode: 'Server',
        detail: 'AdApiFaultDetail',
        codes: [117],
      });
  });

  it('user names are one key whatever their case and surrounding spaces', async () => {
    const u = await passwordUser();
    for (const [i, name] of [u.userName.toUpperCase(), ` ${u.userName} `, u.userName].entries())
      await postSoapFrom(a.endpoint, withPassword({ ...u, userName: name }, 'wrong'), `127.0.0.4${i}`);
    expectFault(await postSoapFrom(a.endpoint, withPassword(u, u.password), '127.0.0.49'), {
      faultcode: 'Server',
      detail: 'AdApiFaultDetail',
      codes: [117],
    });
  });

  it('SOAP failures from an address pause the offers page sign-in there: HTTP 429 with the wait in Retry-After', async () => {
    // The page is reached from 127.0.0.1 (fetch), so the SOAP guesses come from there as well.
    const u = await passwordUser();
    for (let i = 0; i < LIMIT; i++) await postSoapFrom(a.endpoint, withPassword(u, 'wrong'), '127.0.0.1');
    const page = await fetch(`${b.baseUrl}/offers`);
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const signIn = await fetch(`${b.baseUrl}/offers/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
      body: new URLSearchParams({ csrf, method: 'password', username: u.userName, password: u.password }).toString(),
    });
    expect(signIn.status).to.equal(429);
    expect(Number(signIn.headers.get('retry-after'))).to.be.within(590, 600);
  });
});

describe('password hashing under a cap: a flood of guesses gets the fast fault instead of an endless queue', function () {
  this.timeout(120000);
  const QUEUE = 3;
  let t: TestApp;
  let customer: string;

  before(async () => {
    // No failure limit here: the flood comes from one address and must reach the hashing gate.
    t = await startTestApp({ signInMaxFailures: 0, authHashConcurrency: 1, authHashQueue: QUEUE });
    customer = await makeCustomer(t);
  });
  after(async () => t?.close());

  it('60 concurrent wrong passwords: at most 3 wait, the rest get 117 at once, and token and password sign-ins succeed', async () => {
    const victim = await makeUser(t, customer, { username: 'flooded', password: 'the-right-one' });
    const tokenUser = await makeUser(t, customer);
    const legit = await makeUser(t, customer, { username: 'legit', password: 'legit-password' });
    resetHashingStats();

    const flood = Array.from({ length: 60 }, () =>
      postSoapFrom(
        t.endpoint,
        soapRequest(
          'SearchCoupons',
          searchPredicatesXml(customer),
          null,
          passwordHeaders('flooded', 'guess', victim.developerToken),
        ),
        '127.0.0.1',
      ),
    );
    const tokenCall = postSoapFrom(
      t.endpoint,
      soapRequest('SearchCoupons', searchPredicatesXml(customer), tokenUser),
      '127.0.0.1',
    );
    const answers = await Promise.all(flood);
    expect((await tokenCall).status, 'a token call needs no hash and never waits for one').to.equal(200);

    const codes = answers.map((r) => expectFault(r, { faultcode: 'Server', detail: 'AdApiFaultDetail' }).codes[0]);
    const refused = codes.filter((c) => c === 117).length;
    const checked = codes.filter((c) => c === 105).length;
    console.log(
      `      ${checked} guesses hashed, ${refused} refused with 117, peak queue ${hashingStats().peakWaiting}`,
    );
    expect(refused + checked).to.equal(60);
    expect(refused).to.be.greaterThan(0);
    expect(hashingStats().peakWaiting).to.be.at.most(QUEUE);
    expect(hashingStats().refused).to.equal(refused);
    const busy = answers.find((r) => r.body.includes('<ErrorCode>CallRateExceeded</ErrorCode>'))!;
    expect(busy.body).to.include('Retry in 1 s.');

    const after = await postSoapFrom(
      t.endpoint,
      soapRequest(
        'SearchCoupons',
        searchPredicatesXml(customer),
        null,
        passwordHeaders('legit', 'legit-password', legit.developerToken),
      ),
      '127.0.0.1',
    );
    expect(after.status, 'once the flood is answered, a password sign-in is hashed at once').to.equal(200);
  });
});

describe('SIGN_IN_MAX_FAILURES, SIGN_IN_WINDOW_MS, AUTH_HASH_CONCURRENCY, AUTH_HASH_QUEUE', () => {
  const env = { BILLING_ADMIN_KEY: 'k'.repeat(20), DATA_DIR: '/tmp/billing-config-test' };

  it('default to 10 failures in 15 minutes and 2 hashes with 16 waiting, and refuse nonsense', () => {
    const c = loadConfig(env);
    expect([c.signInMaxFailures, c.signInWindowMs, c.authHashConcurrency, c.authHashQueue]).to.deep.equal([
      10, 900_000, 2, 16,
    ]);
    expect(loadConfig({ ...env, SIGN_IN_MAX_FAILURES: '0' }).signInMaxFailures).to.equal(0);
    expect(() => loadConfig({ ...env, SIGN_IN_MAX_FAILURES: '-1' })).to.throw(/SIGN_IN_MAX_FAILURES/);
    expect(() => loadConfig({ ...env, AUTH_HASH_CONCURRENCY: '0' })).to.throw(/AUTH_HASH_CONCURRENCY/);
    expect(() => loadConfig({ ...env, SIGN_IN_WINDOW_MS: 'soon' })).to.throw(/SIGN_IN_WINDOW_MS/);
  });
});
