// Headless Chromium for the end-to-end tests, driven by playwright-core with the system's Chromium (Debian's
// `chromium` package; CHROMIUM_PATH overrides), plus helpers for the /offers page.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.resolve('test-output/screenshots');

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(
      `The e2e tests need Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export const DESKTOP = { width: 1280, height: 900 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** A fresh browser profile (its own cookies) with one page. JavaScript is off by default: the page needs none. */
export async function openPage(
  browser: Browser,
  opts: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false, ...opts });
  const page = await context.newPage();
  return { context, page };
}

export async function screenshot(page: Page, name: string, file?: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: file ?? path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

export async function signInWithPassword(page: Page, baseUrl: string, username: string, password: string) {
  await page.goto(`${baseUrl}/offers`);
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/offers/sign-in')),
    page.waitForEvent('load'),
    page.getByRole('button', { name: 'Sign in', exact: true }).click(),
  ]);
  return response;
}

export async function signInWithTokens(
  page: Page,
  baseUrl: string,
  authenticationToken: string,
  developerToken: string,
) {
  await page.goto(`${baseUrl}/offers`);
  await page.getByLabel('Authentication token').fill(authenticationToken);
  await page.getByLabel('Developer token').fill(developerToken);
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Sign in with tokens' }).click()]);
}

/** Clicks a button that submits a form and resolves once the page it leads to has loaded. */
export async function submit(page: Page, button: ReturnType<Page['getByRole']>): Promise<void> {
  await Promise.all([page.waitForEvent('load'), button.click()]);
}

/** Types a code into an account's "Redeem a code" form and submits it; resolves on the page it lands on. */
export async function redeemCode(page: Page, accountNumber: string, code: string): Promise<void> {
  await page.getByLabel(`Coupon code for account ${accountNumber}`).fill(code);
  const section = page.locator('section.account', {
    has: page.getByRole('heading', { name: `Account ${accountNumber}` }),
  });
  await Promise.all([page.waitForEvent('load'), section.getByRole('button', { name: 'Redeem coupon' }).click()]);
}

/** The offer card titled with a class name, within an account's section. */
export function offerCard(page: Page, accountNumber: string, className: string) {
  const section = page.locator('section.account', {
    has: page.getByRole('heading', { name: `Account ${accountNumber}` }),
  });
  return section.locator('article.offer', { has: page.getByRole('heading', { name: className, exact: true }) });
}
