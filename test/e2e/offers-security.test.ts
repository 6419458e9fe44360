// Web hygiene of the promotional offers page: CSRF, cookies and server-side sessions, escaping, security headers,
// roles enforced by the RedeemCoupon service, and the sign-in rate limit.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.ts';
import { launchBrowser, offerCard, openPage, redeemCode, screenshot, signInWithPassword } from '../support/browser.ts';
import { makeAccount, makeCouponClass, makeCustomer, makeUser, mint } from '../support/factories.ts';
import { MAX_FAILURES, recordSignInFailure, signInBlocked } from '../../src/web/rate-limit.ts';

const PASSWORD = 'a long enough password';
const SCRIPT_NAME = `<script>alert("class")</script><img src=x onerror="alert('img')">`;

/** The page's CSRF token, read from a hidden form field as a browser would submit it. */
async function csrfOf(page: Page): Promise<string> {
  return (await page.locator('input[name=csrf]').first().getAttribute('value'))!;
}

async function cookieHeader(context: BrowserContext): Promise<string> {
  return (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
}

describe('Promotional offers page: web hygiene', function () {
  this.timeout(60000);
  let t: TestApp;
  let browser: Browser;
  let account: { id: string; number: string };
  let codes: string[];

  before(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
    const customer = await makeCustomer(t, `Evil "Corp" & <Sons>`);
    account = await makeAccount(t, customer);
    await makeUser(t, customer, { username: 'admin', password: PASSWORD });
    await makeUser(t, customer, { username: 'viewer', password: PASSWORD, role: 'ViewOnly' });
    await makeCouponClass(t, customer, { name: SCRIPT_NAME, amount: '10' });
    codes = await mint(t, customer, SCRIPT_NAME, 3);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('keeps the session server-side: an HttpOnly, SameSite=Strict cookie, a new id at sign-in, only its hash stored', async () => {
    const { context, page } = await openPage(browser);
    await page.goto(`${t.baseUrl}/offers`);
    const [anonymous] = await context.cookies();
    await signInWithPassword(page, t.baseUrl, 'admin', PASSWORD);
    const cookies = await context.cookies();
    expect(cookies).to.have.length(1);
    const c = cookies[0]!;
    expect(c.httpOnly).to.equal(true);
    expect(c.sameSite).to.equal('Strict');
    expect(c.secure).to.equal(false); // plain http here; see the PUBLIC_URL=https test below
    expect(c.path).to.equal('/offers');
    expect(c.value).not.to.equal(anonymous!.value);
    const rows = (await t.db.knex('web_sessions').select('*')) as Record<string, unknown>[];
    const hash = createHash('sha256').update(c.value).digest();
    expect(rows.some((r) => Buffer.compare(r.id_hash as Buffer, hash) === 0 && r.user_id !== null)).to.equal(true);
    expect(JSON.stringify(rows)).not.to.contain(c.value);
    await context.close();
  });

  it('refuses a POST without the CSRF token, or with another session’s, with 403 even with the session cookie', async () => {
    const { context, page } = await openPage(browser);
    await signInWithPassword(page, t.baseUrl, 'admin', PASSWORD);
    const cookie = await cookieHeader(context);
    const other = await openPage(browser);
    await signInWithPassword(other.page, t.baseUrl, 'admin', PASSWORD);
    const foreignToken = await csrfOf(other.page);
    const attempts: Record<string, string>[] = [{}, { csrf: 'forged' }, { csrf: foreignToken }];
    for (const extra of attempts) {
      const res = await fetch(`${t.baseUrl}/offers/redeem`, {
        method: 'POST',
        headers: { Cookie: cookie },
        body: new URLSearchParams({ accountId: account.id, code: codes[0]!, ...extra }),
        redirect: 'manual',
      });
      expect(res.status, JSON.stringify(extra)).to.equal(403);
      expect(await res.text()).to.contain('This form has expired');
    }
    const signOut = await fetch(`${t.baseUrl}/offers/sign-out`, { method: 'POST', headers: { Cookie: cookie } });
    expect(signOut.status).to.equal(403);
    // Nothing was redeemed, and the session is still signed in.
    expect(await t.admin(`/admin/accounts/${account.id}/offers`, undefined, 'GET')).to.deep.equal([]);
    await page.reload();
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).to.equal(1);
    // The sign-in form is protected too: no session, no sign-in.
    const blind = await fetch(`${t.baseUrl}/offers/sign-in`, {
      method: 'POST',
      body: new URLSearchParams({ username: 'admin', password: PASSWORD }),
    });
    expect(blind.status).to.equal(403);
    await context.close();
    await other.context.close();
  });

  it('shows a script injected in a class name or customer name as plain text (JavaScript on, no dialog)', async () => {
    const { context, page } = await openPage(browser, { javaScriptEnabled: true });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await signInWithPassword(page, t.baseUrl, 'admin', PASSWORD);
    await redeemCode(page, account.number, codes[1]!);
    const card = offerCard(page, account.number, SCRIPT_NAME);
    expect(await card.locator('h3').textContent()).to.equal(SCRIPT_NAME);
    expect(await page.locator('.who').textContent()).to.contain(`Evil "Corp" & <Sons>`);
    expect(await page.locator('script').count()).to.equal(0);
    expect(await page.locator('img').count()).to.equal(0);
    const source = await (await page.request.get(`${t.baseUrl}/offers`)).text();
    expect(source).to.contain('&lt;script&gt;alert(&quot;class&quot;)&lt;/script&gt;&lt;img src=x onerror=&quot;');
    expect(dialogs).to.deep.equal([]);
    await screenshot(page, '07-escaped-class-name');
    await context.close();
  });

  it('sends a strict Content-Security-Policy, X-Frame-Options DENY and no-store on every page', async () => {
    for (const path of ['/offers', '/offers/nowhere']) {
      const res = await fetch(`${t.baseUrl}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).to.contain("default-src 'none'");
      expect(csp).to.contain("frame-ancestors 'none'");
      expect(csp).not.to.contain('unsafe-inline');
      expect(res.headers.get('x-frame-options')).to.equal('DENY');
      expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(res.headers.get('cache-control')).to.equal('no-store');
    }
    const css = await fetch(`${t.baseUrl}/offers/static/app.css`);
    expect(css.headers.get('content-type')).to.equal('text/css; charset=utf-8');
    expect((await fetch(`${t.baseUrl}/offers`, { method: 'POST' })).status).to.equal(405);
  });

  it('a ViewOnly user sees no redeem form, and a forged redeem is refused by the RedeemCoupon service in plain words', async () => {
    const { context, page } = await openPage(browser);
    await signInWithPassword(page, t.baseUrl, 'viewer', PASSWORD);
    expect(await page.getByRole('button', { name: 'Redeem coupon' }).count()).to.equal(0);
    expect(await page.locator(`#account-${account.id} .note`).innerText()).to.contain('can view offers but not redeem');
    const res = await fetch(`${t.baseUrl}/offers/redeem`, {
      method: 'POST',
      headers: { Cookie: await cookieHeader(context) },
      body: new URLSearchParams({ csrf: await csrfOf(page), accountId: account.id, code: codes[2]! }),
      redirect: 'manual',
    });
    expect(res.status).to.equal(303);
    await page.reload();
    expect(await page.getByRole('alert').innerText()).to.contain('(error 1001)');
    await context.close();
  });
});

describe('Promotional offers page: sign-in rate limit', function () {
  this.timeout(60000);
  let t: TestApp;
  let browser: Browser;

  before(async () => {
    // A server of its own: the limit blocks this test's address (127.0.0.1) for 15 minutes.
    t = await startTestApp();
    browser = await launchBrowser();
    const customer = await makeCustomer(t);
    await makeAccount(t, customer);
    await makeUser(t, customer, { username: 'carol', password: PASSWORD });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it(`after ${MAX_FAILURES} failed sign-ins even the right password gets 429 and a readable message`, async () => {
    const { context, page } = await openPage(browser);
    for (let i = 0; i < MAX_FAILURES; i++) {
      const res = await signInWithPassword(page, t.baseUrl, 'carol', `wrong ${i}`);
      expect(res.status(), `attempt ${i + 1}`).to.equal(401);
    }
    const res = await signInWithPassword(page, t.baseUrl, 'carol', PASSWORD);
    expect(res.status()).to.equal(429);
    // The wait runs from the oldest of the last ten failures: 15 minutes less the time the attempts took.
    expect(Number(res.headers()['retry-after'])).to.be.within(840, 900);
    expect(await page.getByRole('alert').innerText()).to.contain('Too many failed sign-in attempts');
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).to.equal(0);
    await screenshot(page, '08-rate-limited');
    await context.close();
  });

  it('counts failures per user name across addresses, and per address across user names', async () => {
    const now = new Date();
    for (let i = 0; i < MAX_FAILURES; i++)
      await recordSignInFailure(t.db.knex, { ip: `10.0.0.${i}`, username: 'Dave' }, now);
    expect(await signInBlocked(t.db.knex, { ip: '10.9.9.9', username: ' dave ' }, now)).to.equal(true);
    expect(await signInBlocked(t.db.knex, { ip: '10.9.9.9', username: 'erin' }, now)).to.equal(false);
    expect(await signInBlocked(t.db.knex, { ip: '127.0.0.1', username: 'erin' }, now)).to.equal(true);
    // The window slides: 15 minutes later the user name is free again.
    expect(
      await signInBlocked(t.db.knex, { ip: '10.9.9.9', username: 'dave' }, new Date(now.getTime() + 15 * 60_000 + 1)),
    ).to.equal(false);
  });
});

describe('Promotional offers page behind an https PUBLIC_URL', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ publicUrl: 'https://billing.example.com' });
  });
  after(async () => t?.close());

  it('marks the session cookie Secure and asks browsers for HTTPS only', async () => {
    const res = await fetch(`${t.baseUrl}/offers`);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).to.match(/^offers_session=[A-Za-z0-9_-]{43}; Path=\/offers; HttpOnly; SameSite=Strict; Secure$/);
    expect(res.headers.get('strict-transport-security')).to.contain('max-age=');
  });
});
