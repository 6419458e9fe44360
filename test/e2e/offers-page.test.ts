// The advertiser's promotional-offers page in a real browser (headless Chromium, JavaScript off): signing in,
// redeeming codes, watching spend and the test clock move the offers, signing out.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.ts';
import { advanceClock, resetClock } from '../support/clock.ts';
import {
  DESKTOP,
  launchBrowser,
  offerCard,
  openPage,
  PHONE,
  redeemCode,
  screenshot,
  signInWithPassword,
  signInWithTokens,
  submit,
} from '../support/browser.ts';
import { makeAccount, makeCouponClass, makeCustomer, makeUser, mint } from '../support/factories.ts';
import { markClaimed } from '../../src/repositories/coupons.ts';
import { inTransaction } from '../../src/repositories/transaction.ts';
import { lockAccount, offerTerms, recordAccountEvent } from '../../src/services/account-events.ts';
import { lockCouponByCode } from '../../src/services/coupon-access.ts';

const PASSWORD = 'correct horse battery staple';

/**
 * Reserves a coupon for an account the way a claim does (SPEC §4 Claims), as of the service clock. No operation
 * makes claims yet, so the test records the claim event itself.
 */
async function claim(t: TestApp, code: string, accountId: string): Promise<void> {
  const now = await t.app.clock.now();
  await inTransaction(t.db.knex, async (tx) => {
    const { coupon, cls } = (await lockCouponByCode(tx, code))!;
    await lockAccount(tx, accountId);
    await markClaimed(tx, coupon.id, accountId, now);
    await recordAccountEvent(tx, accountId, {
      kind: 'claim',
      at: now,
      couponId: coupon.id,
      terms: offerTerms(coupon.id, coupon.code, cls),
    });
  });
}
const START = '2026-03-02T09:30:00Z';

describe('Promotional offers page in a browser', function () {
  this.timeout(60000);
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let main: { id: string; number: string };
  let noCard: { id: string; number: string };
  let timed: { id: string; number: string };
  let user: { authenticationToken: string; developerToken: string };
  const codes: Record<string, string[]> = {};

  before(async () => {
    t = await startTestApp({ testClock: true });
    browser = await launchBrowser();
    await resetClock(t, START);
    const customer = await makeCustomer(t, 'Contoso Coffee');
    main = await makeAccount(t, customer);
    noCard = await makeAccount(t, customer, { paymentMethod: false });
    timed = await makeAccount(t, customer);
    user = await makeUser(t, customer, { username: 'alice', password: PASSWORD });
    await makeCouponClass(t, customer, { name: 'Spend 100, get 100', amount: '100', threshold: '100' });
    await makeCouponClass(t, customer, { name: 'Welcome credit', amount: '50' });
    await makeCouponClass(t, customer, { name: 'Three-day boost', amount: '20', activeDays: 3 });
    codes.spend = await mint(t, customer, 'Spend 100, get 100', 4);
    codes.welcome = await mint(t, customer, 'Welcome credit', 3);
    codes.boost = await mint(t, customer, 'Three-day boost', 1);
    ({ page } = await openPage(browser));
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('asks a visitor to sign in, with labelled fields and no script on the page', async () => {
    const response = await page.goto(`${t.baseUrl}/offers`);
    expect(response?.status()).to.equal(200);
    expect(await page.getByRole('heading', { name: 'Sign in' }).isVisible()).to.equal(true);
    expect(await page.getByLabel('User name').count()).to.equal(1);
    expect(await page.getByLabel('Password', { exact: true }).count()).to.equal(1);
    expect(await page.getByLabel('Authentication token').count()).to.equal(1);
    expect(await page.locator('script').count()).to.equal(0);
    expect(await page.locator('meta[name=viewport]').getAttribute('content')).to.contain('width=device-width');
    await screenshot(page, '01-sign-in');
  });

  it('a wrong password is refused in plain words and the page still asks to sign in', async () => {
    const response = await signInWithPassword(page, t.baseUrl, 'alice', 'not the password');
    expect(response.status()).to.equal(401);
    expect(await page.getByRole('alert').innerText()).to.contain('user name or password is not correct');
    expect(await page.getByLabel('User name').inputValue()).to.equal('alice');
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).to.equal('');
  });

  it('signing in with user name and password shows every account of the customer, as of the service clock', async () => {
    const response = await signInWithPassword(page, t.baseUrl, 'alice', PASSWORD);
    expect(response.status()).to.equal(303);
    expect(new URL(page.url()).pathname).to.equal('/offers');
    expect(page.url()).not.to.contain(PASSWORD);
    expect(await page.getByRole('heading', { name: 'Your promotional offers' }).isVisible()).to.equal(true);
    for (const a of [main, noCard, timed])
      expect(await page.getByRole('heading', { name: `Account ${a.number}` }).count()).to.equal(1);
    expect(await page.locator('.who').innerText()).to.contain('alice');
    expect(await page.locator('.asof time').getAttribute('datetime')).to.match(/^2026-03-02T09:3/);
    expect(await page.locator('.asof').innerText()).to.contain('test clock');
    expect(await page.locator('.empty').count()).to.equal(3);
  });

  it('redeeming a code on an account with no active offer shows it Active, earning toward its threshold', async () => {
    await redeemCode(page, main.number, codes.spend![0]!.toLowerCase());
    const flash = page.locator(`#account-${main.id} .flash`);
    expect(await flash.getAttribute('role')).to.equal('status');
    expect(await flash.innerText()).to.match(/redeemed on account F\d+\. It is Active: spend USD 100\.00 on ads/);
    const card = offerCard(page, main.number, 'Spend 100, get 100');
    expect(await card.getAttribute('data-status')).to.equal('Active');
    expect(await card.locator('.badge').innerText()).to.contain('Active');
    expect(await card.locator('.help').innerText()).to.contain('Only one offer is active at a time');
    const code = codes.spend![0]!;
    expect(await card.locator('dd.code').innerText()).to.contain(code.slice(-4));
    expect(await card.locator('dd.code').innerText()).not.to.contain(code.slice(0, 9));
    const bar = card.getByRole('progressbar', { name: 'Qualifying spend' });
    expect(await bar.getAttribute('aria-valuenow')).to.equal('0');
    expect(await bar.getAttribute('aria-valuemin')).to.equal('0');
    expect(await bar.getAttribute('aria-valuemax')).to.equal('100');
    expect(await bar.getAttribute('aria-valuetext')).to.equal('USD 0.00 of USD 100.00 spent, USD 100.00 to go');
    expect(await card.innerText()).to.contain('30 days left');
    // The message is shown once, after the redirect, not again on reload.
    await page.reload();
    expect(await page.locator('.flash').count()).to.equal(0);
  });

  it('recorded spend moves the progress bar, and meeting the threshold turns it into a credit-used bar', async () => {
    await t.admin('/admin/spend', { account: main.id, amount: '40' });
    await page.reload();
    let card = offerCard(page, main.number, 'Spend 100, get 100');
    const bar = card.getByRole('progressbar', { name: 'Qualifying spend' });
    expect(await bar.getAttribute('aria-valuenow')).to.equal('40');
    expect(await card.innerText()).to.contain('Spend USD 60.00 more on ads');
    await screenshot(page, '02-earning-progress');

    await t.admin('/admin/spend', { account: main.id, amount: '80' }); // 60 meets the threshold, 20 is covered
    await page.reload();
    card = offerCard(page, main.number, 'Spend 100, get 100');
    expect(await card.getByRole('progressbar', { name: 'Qualifying spend' }).count()).to.equal(0);
    const used = card.getByRole('progressbar', { name: 'Credit used' });
    expect(await used.getAttribute('aria-valuenow')).to.equal('20');
    expect(await used.getAttribute('aria-valuemax')).to.equal('100');
    expect(await card.innerText()).to.match(/Balance\s+USD 80\.00/);
  });

  it('a second code on the same account waits as Pending until the current offer runs out', async () => {
    await redeemCode(page, main.number, codes.welcome![0]!);
    expect(await page.locator(`#account-${main.id} .flash`).innerText()).to.contain('It is Pending');
    const card = offerCard(page, main.number, 'Welcome credit');
    expect(await card.getAttribute('data-status')).to.equal('Pending');
    expect(await card.locator('.next').innerText()).to.contain('Becomes active when your current offer runs out');
    const active = offerCard(page, main.number, 'Spend 100, get 100');
    expect(await active.locator('.next').innerText()).to.contain(
      `Then your pending offer ending ${codes.welcome![0]!.slice(-4)} becomes active`,
    );
  });

  it('a code redeemed on an account without a payment method needs one, and says what to do', async () => {
    await redeemCode(page, noCard.number, codes.welcome![1]!);
    const card = offerCard(page, noCard.number, 'Welcome credit');
    expect(await card.getAttribute('data-status')).to.equal('NeedsPaymentMethod');
    expect(await card.locator('.badge').innerText()).to.contain('Needs payment method');
    expect(await card.locator('.next').innerText()).to.contain('Add a primary payment method to this account');
    await screenshot(page, '03-several-offers');
  });

  it('a wrong code shows a readable error next to the form', async () => {
    await redeemCode(page, main.number, 'NOPE-NOT-A-CODE');
    const alert = page.locator(`#account-${main.id} .flash`);
    expect(await alert.getAttribute('role')).to.equal('alert');
    expect(await alert.innerText()).to.contain('We could not find that code');
    expect(await alert.innerText()).to.contain('(error 4500)');
    // A code already used by another account is explained too.
    await redeemCode(page, timed.number, codes.spend![0]!);
    expect(await page.locator(`#account-${timed.id} .flash`).innerText()).to.contain('already been used');
    await screenshot(page, '04-wrong-code');
  });

  it('time passing on the test clock counts days down, expires the offer and activates the next', async () => {
    await redeemCode(page, timed.number, codes.boost![0]!);
    await redeemCode(page, timed.number, codes.spend![1]!);
    let boost = offerCard(page, timed.number, 'Three-day boost');
    expect(await boost.getAttribute('data-status')).to.equal('Active');
    expect(await boost.innerText()).to.contain('3 days left');
    expect(await offerCard(page, timed.number, 'Spend 100, get 100').getAttribute('data-status')).to.equal('Pending');

    await advanceClock(t, 'P1D');
    await page.reload();
    boost = offerCard(page, timed.number, 'Three-day boost');
    expect(await boost.innerText()).to.contain('2 days left');
    expect(await page.locator('.asof time').getAttribute('datetime')).to.match(/^2026-03-03T09:3/);

    await advanceClock(t, 'P3D');
    await page.reload();
    boost = offerCard(page, timed.number, 'Three-day boost');
    expect(await boost.getAttribute('data-status')).to.equal('Expired');
    expect(await boost.locator('.next').innerText()).to.contain('USD 20.00 of unused credit was forfeited');
    const next = offerCard(page, timed.number, 'Spend 100, get 100');
    expect(await next.getAttribute('data-status')).to.equal('Active');
    expect(await next.innerText()).to.contain('26 days left');
    // Spend from now on counts toward the newly active offer's threshold.
    await t.admin('/admin/spend', { account: timed.id, amount: '35' });
    await page.reload();
    const bar = offerCard(page, timed.number, 'Spend 100, get 100').getByRole('progressbar', {
      name: 'Qualifying spend',
    });
    expect(await bar.getAttribute('aria-valuenow')).to.equal('35');
    await screenshot(page, '05-after-time-passes');
    // The README's picture of the page: WRITE_DOCS_SCREENSHOT=1 refreshes docs/offers-page.png.
    if (process.env.WRITE_DOCS_SCREENSHOT === '1') await screenshot(page, 'docs', 'docs/offers-page.png');
  });

  it('reads well on a phone', async () => {
    await page.setViewportSize(PHONE);
    await page.reload();
    // Nothing sticks out sideways: no horizontal scrolling on a 390 px wide screen.
    const boxes = page.locator('main, section.account, article.offer, dl.facts, progress, input, button');
    expect(await boxes.count()).to.be.greaterThan(10);
    for (const el of await boxes.all()) {
      const box = await el.boundingBox();
      if (box) expect(box.x + box.width).to.be.at.most(PHONE.width);
    }
    await screenshot(page, '06-phone');
  });

  it('a coupon set aside for the account shows Pending redemption, and Redeem now redeems it', async () => {
    await page.setViewportSize(DESKTOP);
    await claim(t, codes.welcome![2]!, main.id);
    await page.reload();
    let card = offerCard(page, main.number, 'Welcome credit').filter({ hasText: codes.welcome![2]!.slice(-4) });
    expect(await card.getAttribute('data-status')).to.equal('PendingRedemption');
    expect(await card.locator('.badge').innerText()).to.contain('Pending redemption');
    // The code itself is not in the page: the button names the coupon, the server looks the code up.
    expect(await page.content()).not.to.contain(codes.welcome![2]!);
    await submit(page, card.getByRole('button', { name: /Redeem now/ }));
    expect(await page.locator(`#account-${main.id} .flash`).innerText()).to.contain('It is Pending');
    card = offerCard(page, main.number, 'Welcome credit').filter({ hasText: codes.welcome![2]!.slice(-4) });
    expect(await card.getAttribute('data-status')).to.equal('Pending');
  });

  it('a claim past its EndDate still offers Redeem now, which works; once the coupon expires it reads Expired with no Redeem now', async () => {
    const now = await t.app.clock.now();
    const day = 86_400_000;
    const customer = String(
      (
        (await t.db.knex('accounts').where({ id: main.id }).first('customer_id')) as {
          customer_id: string;
        }
      ).customer_id,
    );
    await makeCouponClass(t, customer, {
      name: 'Short window',
      amount: '10',
      start: new Date(now.getTime() - day).toISOString(),
      end: new Date(now.getTime() + day).toISOString(),
      expires: new Date(now.getTime() + 10 * day).toISOString(),
    });
    const [late, never] = await mint(t, customer, 'Short window', 2);
    await claim(t, late!, main.id);
    await claim(t, never!, timed.id);
    await advanceClock(t, 'P2D');
    await page.reload();

    const lateCard = offerCard(page, main.number, 'Short window');
    await submit(page, lateCard.getByRole('button', { name: /Redeem now/ }));
    expect(await offerCard(page, main.number, 'Short window').getAttribute('data-status')).to.be.oneOf([
      'Active',
      'Pending',
    ]);

    await advanceClock(t, 'P10D');
    await page.reload();
    const neverCard = offerCard(page, timed.number, 'Short window');
    expect(await neverCard.getAttribute('data-status')).to.equal('Expired');
    expect(await neverCard.getByRole('button', { name: /Redeem now/ }).count()).to.equal(0);
  });

  it('signing out ends the session: the old cookie is worthless and the page asks to sign in again', async () => {
    const [old] = await page.context().cookies();
    await submit(page, page.getByRole('button', { name: 'Sign out' }));
    expect(await page.getByRole('status').innerText()).to.contain('You have signed out');
    expect(await page.getByRole('heading', { name: 'Sign in' }).count()).to.equal(1);
    await page.goto(`${t.baseUrl}/offers`);
    expect(await page.getByRole('heading', { name: 'Sign in' }).count()).to.equal(1);
    const replay = await fetch(`${t.baseUrl}/offers`, { headers: { Cookie: `${old!.name}=${old!.value}` } });
    expect(await replay.text()).to.contain('<h1>Sign in</h1>');
  });

  it('signing in with an AuthenticationToken and DeveloperToken pasted once shows the same offers', async () => {
    const { context, page: other } = await openPage(browser);
    await signInWithTokens(other, t.baseUrl, user.authenticationToken, user.developerToken);
    expect(await offerCard(other, main.number, 'Spend 100, get 100').count()).to.equal(1);
    expect(other.url()).not.to.contain(user.authenticationToken);
    await context.close();
  });

  it('a wrong token is refused in plain words', async () => {
    const { context, page: other } = await openPage(browser);
    await signInWithTokens(other, t.baseUrl, 'not-a-token', user.developerToken);
    expect(await other.getByRole('alert').innerText()).to.contain('do not match a user');
    await context.close();
  });
});
