// The page templates: plain server-rendered HTML that works without JavaScript. Every dynamic value passes
// through the escaping `html` template (html.ts).
import type { OfferStatus } from '../services/offers-page.ts';
import { html, when, type SafeHtml } from './html.ts';
import type { AccountView, Bar, OfferCard } from './offer-view.ts';
import { STATUS_HELP, STATUS_LABEL, STATUS_MARK } from './offer-view.ts';
import type { BillingView, DocumentRow, OrderCard } from './billing-view.ts';
import type { Flash } from './sessions.ts';
import { dateTime } from './format.ts';

export const CSS_PATH = '/offers/static/app.css';

function layout(title: string, body: SafeHtml, header: SafeHtml | null = null): SafeHtml {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${title}</title>
        <link rel="stylesheet" href="${CSS_PATH}" />
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <div class="inner"><span class="brand">Promotional offers</span>${header}</div>
        </header>
        <main id="main">${body}</main>
      </body>
    </html> `;
}

function flashBox(f: Flash | null): SafeHtml | null {
  if (!f) return null;
  // An error is an alert; a success is a polite status message.
  return html`<p class="flash ${f.kind}" role="${f.kind === 'error' ? 'alert' : 'status'}">${f.text}</p>`;
}

export interface SignInPageInput {
  readonly csrf: string;
  readonly flash: Flash | null;
  readonly username?: string;
}

export function signInPage(p: SignInPageInput): SafeHtml {
  return layout(
    'Sign in — Promotional offers',
    html`<div class="signin">
      <h1>Sign in</h1>
      <p class="note">
        See the promotional offers of your advertising accounts and redeem coupon codes. Use the same credentials as the
        Customer Billing API.
      </p>
      ${flashBox(p.flash)}
      <form method="post" action="/offers/sign-in">
        <input type="hidden" name="csrf" value="${p.csrf}" />
        <input type="hidden" name="method" value="password" />
        <fieldset>
          <legend>With your user name and password</legend>
          <div class="field">
            <label for="username">User name</label>
            <input
              type="text"
              id="username"
              name="username"
              autocomplete="username"
              autocapitalize="none"
              spellcheck="false"
              required
              maxlength="100"
              value="${p.username ?? ''}"
            />
          </div>
          <div class="field">
            <label for="password">Password</label>
            <input
              type="password"
              id="password"
              name="password"
              autocomplete="current-password"
              required
              maxlength="1000"
            />
          </div>
          <button type="submit">Sign in</button>
        </fieldset>
      </form>
      <form method="post" action="/offers/sign-in">
        <input type="hidden" name="csrf" value="${p.csrf}" />
        <input type="hidden" name="method" value="token" />
        <fieldset>
          <legend>Or with API tokens</legend>
          <p class="note">Paste them once: they are checked, then only a session cookie is kept.</p>
          <div class="field">
            <label for="authenticationToken">Authentication token</label>
            <input
              type="password"
              id="authenticationToken"
              name="authenticationToken"
              autocomplete="off"
              required
              maxlength="2000"
            />
          </div>
          <div class="field">
            <label for="developerToken">Developer token</label>
            <input
              type="password"
              id="developerToken"
              name="developerToken"
              autocomplete="off"
              required
              maxlength="200"
            />
          </div>
          <button type="submit" class="secondary">Sign in with tokens</button>
        </fieldset>
      </form>
    </div>`,
  );
}

function badge(s: OfferStatus): SafeHtml {
  return html`<span class="badge s-${s}"><span aria-hidden="true">${STATUS_MARK[s]}</span>${STATUS_LABEL[s]}</span>`;
}

function bar(b: Bar, id: string, kind: 'earning' | 'used' | 'budget'): SafeHtml {
  // <progress> draws the bar with no inline style (which the CSP forbids); the explicit role and aria values
  // make what it announces the same in every browser and screen reader.
  return html`<div class="bar">
    <div class="bar-label"><span id="${id}">${b.label}</span><span>${b.text}</span></div>
    <progress
      class="${kind}"
      value="${b.value}"
      max="${b.max}"
      role="progressbar"
      aria-labelledby="${id}"
      aria-valuemin="0"
      aria-valuemax="${b.max}"
      aria-valuenow="${b.value}"
      aria-valuetext="${b.text}"
    >
      ${b.text}
    </progress>
  </div>`;
}

function offerCard(o: OfferCard, account: AccountView, csrf: string): SafeHtml {
  const id = `offer-${o.couponId}`;
  return html`<li>
    <article class="offer s-${o.status}" aria-labelledby="${id}-title" data-status="${o.status}">
      <div class="offer-head">
        <h3 id="${id}-title">${o.className}</h3>
        ${badge(o.status)}
      </div>
      <p class="help">${STATUS_HELP[o.status]}</p>
      <dl class="facts">
        <dt>Code</dt>
        <dd class="code">
          <span class="sr-only">ending in </span><span aria-hidden="true">${o.code.hidden}</span>${o.code.tail}
        </dd>
        ${o.facts.map(
          ([k, v, iso]) =>
            html`<dt>${k}</dt>
              <dd>${iso ? html`<time datetime="${iso}">${v}</time>` : v}</dd>`,
        )}
      </dl>
      ${when(o.earning, () => bar(o.earning!, `${id}-earning`, 'earning'))}
      ${when(o.used, () => bar(o.used!, `${id}-used`, 'used'))}
      <p class="next"><strong>What happens next</strong>${o.next}</p>
      ${when(
        o.redeemNow && account.canRedeem,
        () =>
          html`<form method="post" action="/offers/redeem">
            <input type="hidden" name="csrf" value="${csrf}" />
            <input type="hidden" name="accountId" value="${account.id}" />
            <input type="hidden" name="couponId" value="${o.couponId}" />
            <button type="submit">Redeem now<span class="sr-only"> the offer ending ${o.code.tail}</span></button>
          </form>`,
      )}
    </article>
  </li>`;
}

function redeemForm(a: AccountView, csrf: string): SafeHtml {
  if (!a.canRedeem)
    return html`<p class="note">
      Your role can view offers but not redeem codes. Ask an administrator of this account.
    </p>`;
  const field = `code-${a.id}`;
  return html`<form method="post" action="/offers/redeem" class="redeem" aria-labelledby="redeem-${a.id}">
    <h3 id="redeem-${a.id}">Redeem a code</h3>
    <input type="hidden" name="csrf" value="${csrf}" />
    <input type="hidden" name="accountId" value="${a.id}" />
    <div class="row">
      <div class="field">
        <label for="${field}">Coupon code for account ${a.number}</label>
        <span class="hint" id="${field}-hint">Letters and digits; upper or lower case both work.</span>
        <input
          type="text"
          id="${field}"
          name="code"
          required
          maxlength="64"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck="false"
          aria-describedby="${field}-hint"
        />
      </div>
      <button type="submit">Redeem coupon</button>
    </div>
  </form>`;
}

function orderCard(o: OrderCard): SafeHtml {
  const id = `io-${o.id}`;
  return html`<li>
    <article class="order" aria-labelledby="${id}-title" data-status="${o.status}">
      <div class="offer-head">
        <h4 id="${id}-title">${o.name}</h4>
        <span class="badge io-${o.status}">${o.statusLabel}</span>
      </div>
      <dl class="facts">
        <dt>Dates</dt>
        <dd>
          <time datetime="${o.startIso}">${o.startText}</time> –
          ${o.endIso === null ? o.endText : html`<time datetime="${o.endIso}">${o.endText}</time>`}
        </dd>
        <dt>Purchase order</dt>
        <dd>${o.purchaseOrder ?? 'None'}</dd>
      </dl>
      ${o.budget ? bar(o.budget, `${id}-budget`, 'budget') : html`<p class="note">No spend limit.</p>`}
    </article>
  </li>`;
}

function documentItem(d: DocumentRow): SafeHtml {
  return html`<tr>
    <td>${d.number}</td>
    <td><time datetime="${d.dateIso}">${d.date}</time></td>
    <td class="num">${d.amount}</td>
    <td>
      <a href="${d.href}" download>Download PDF<span class="sr-only"> of invoice ${d.number}</span></a>
    </td>
  </tr>`;
}

function billingSection(a: AccountView, b: BillingView | undefined): SafeHtml {
  const orders = b?.orders ?? [];
  const documents = b?.documents ?? [];
  return html`<section class="billing" aria-labelledby="billing-${a.id}">
    <h3 id="billing-${a.id}">Billing</h3>
    <h4 class="sub">Insertion orders</h4>
    ${
      orders.length === 0
        ? html`<p class="quiet">
            ${
              b?.invoiceBilled
                ? 'No insertion orders on this account.'
                : 'This account is prepaid: ad spend is charged to its payment method, so it has no insertion orders.'
            }
          </p>`
        : html`<ul class="orders">
            ${orders.map(orderCard)}
          </ul>`
    }
    <h4 class="sub">Billing documents</h4>
    ${
      documents.length === 0
        ? html`<p class="quiet">No billing documents yet: one is issued after each month with spend.</p>`
        : html`<table class="documents">
            <caption class="sr-only">
              Billing documents of account ${a.number}
            </caption>
            <thead>
              <tr>
                <th scope="col">Number</th>
                <th scope="col">Date</th>
                <th scope="col" class="num">Amount</th>
                <th scope="col">File</th>
              </tr>
            </thead>
            <tbody>
              ${documents.map(documentItem)}
            </tbody>
          </table>`
    }
  </section>`;
}

function accountSection(a: AccountView, csrf: string, flash: Flash | null, b: BillingView | undefined): SafeHtml {
  return html`<section class="account" id="account-${a.id}" aria-labelledby="account-${a.id}-title">
    <div class="account-head">
      <h2 id="account-${a.id}-title">Account ${a.number}</h2>
      <p>${a.currency} · ${a.hasPaymentMethod ? 'Payment method on file' : 'No payment method yet'}</p>
    </div>
    ${
      a.offers.length === 0
        ? html`<p class="empty">No promotional offers on this account yet.</p>`
        : html`<ul class="offers">
            ${a.offers.map((o) => offerCard(o, a, csrf))}
          </ul>`
    }
    ${when(flash, () => flashBox(flash)!)} ${redeemForm(a, csrf)} ${billingSection(a, b)}
  </section>`;
}

export interface OffersPageInput {
  readonly csrf: string;
  readonly who: string;
  readonly customerName: string;
  readonly now: number;
  readonly testClock: boolean;
  readonly accounts: readonly AccountView[];
  /** The Billing section of each account, by account id. */
  readonly billing: ReadonlyMap<string, BillingView>;
  readonly flash: Flash | null;
}

export function offersPage(p: OffersPageInput): SafeHtml {
  const accountFlash = (id: string): Flash | null => (p.flash?.accountId === id ? p.flash : null);
  const pageFlash = p.flash && !p.accounts.some((a) => a.id === p.flash?.accountId) ? p.flash : null;
  const header = html`<span class="who">Signed in as <strong>${p.who}</strong> · ${p.customerName}</span>
    <form method="post" action="/offers/sign-out">
      <input type="hidden" name="csrf" value="${p.csrf}" />
      <button type="submit" class="secondary link">Sign out</button>
    </form>`;
  return layout(
    'Promotional offers',
    html`<h1>Your promotional offers</h1>
      <p class="asof">
        As of <time datetime="${new Date(p.now).toISOString()}">${dateTime(p.now)}</time>${when(
          p.testClock,
          () => html` <span class="clock">test clock</span>`,
        )}.
        Only one offer per account is active at a time; credit is used before your payment method is charged.
      </p>
      ${flashBox(pageFlash)}
      ${
        p.accounts.length === 0
          ? html`<p class="empty">You have no advertising accounts yet.</p>`
          : p.accounts.map((a) => accountSection(a, p.csrf, accountFlash(a.id), p.billing.get(a.id)))
      }`,
    header,
  );
}

export function messagePage(title: string, text: string, link = true): SafeHtml {
  return layout(
    title,
    html`<h1>${title}</h1>
      <p>${text}</p>
      ${when(link, () => html`<p><a href="/offers">Back to your offers</a></p>`)}`,
  );
}
