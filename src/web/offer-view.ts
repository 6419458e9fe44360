// What the page says about each offer: a pure function of the offers (as of the service clock), the accounts and
// `now`. Status wording follows Microsoft's promotional-offer statuses; the progress bars follow TikTok's
// threshold tracker (qualifying spend against the threshold) and coupon card (credit used, valid dates).
import type { AccountSummary, CouponInfo, Offer, OfferStatus, Role } from '../services/offers-page.ts';
import { codeTail, dateTime, daysLeftText, decimal, money, percentText } from './format.ts';

export const STATUS_LABEL: Readonly<Record<OfferStatus, string>> = {
  Active: 'Active',
  Pending: 'Pending',
  NeedsPaymentMethod: 'Needs payment method',
  PendingRedemption: 'Pending redemption',
  Depleted: 'Depleted',
  Expired: 'Expired',
  Revoked: 'Revoked',
};

/** One line per status, in our words, after Microsoft's explanations of its offer statuses. */
export const STATUS_HELP: Readonly<Record<OfferStatus, string>> = {
  Active:
    'In use now: once any spend requirement is met, it pays for ad spend up to its amount until it runs out or ' +
    'expires. Only one offer is active at a time.',
  Pending:
    'On hold while another offer is active. It takes over when that one runs out or expires, unless it has expired itself by then.',
  NeedsPaymentMethod:
    'Waiting for a primary payment method on this account. Once one is added it starts, unless it has expired by then.',
  PendingRedemption: 'Set aside for this account but not redeemed yet. Redeem it to put it to work.',
  Depleted: 'Used up: the whole credit went to ad spend.',
  Expired: 'It reached its expiration date, so it can no longer be used. Unused credit is forfeited.',
  Revoked: 'Withdrawn by the issuer, so it can no longer be used. Unused credit is forfeited.',
};

/** Decorative marks beside the status word (the word itself carries the meaning, never the colour). */
export const STATUS_MARK: Readonly<Record<OfferStatus, string>> = {
  Active: '●',
  Pending: '◔',
  NeedsPaymentMethod: '!',
  PendingRedemption: '…',
  Depleted: '○',
  Expired: '×',
  Revoked: '⊘',
};

export interface Bar {
  readonly label: string;
  readonly value: string;
  readonly max: string;
  /** Read out by screen readers instead of the bare numbers. */
  readonly text: string;
}

export interface OfferCard {
  readonly couponId: string;
  readonly className: string;
  readonly status: OfferStatus;
  readonly code: { hidden: string; tail: string };
  readonly facts: readonly (readonly [string, string, string | null])[];
  readonly earning: Bar | null;
  readonly used: Bar | null;
  readonly next: string;
  readonly redeemNow: boolean;
}

export interface AccountView {
  readonly id: string;
  readonly number: string;
  readonly currency: string;
  readonly hasPaymentMethod: boolean;
  readonly canRedeem: boolean;
  readonly offers: readonly OfferCard[];
}

const RANK: Readonly<Record<OfferStatus, number>> = {
  Active: 0,
  PendingRedemption: 1,
  NeedsPaymentMethod: 2,
  Pending: 3,
  Depleted: 4,
  Expired: 4,
  Revoked: 4,
};

interface Entry {
  readonly info: CouponInfo;
  readonly offer: Offer;
}

function queueTime(o: Offer): number {
  return o.redeemedAt ?? o.claimedAt ?? 0;
}

function sortEntries(entries: Entry[]): Entry[] {
  return entries.sort((a, b) => {
    const r = RANK[a.offer.status] - RANK[b.offer.status];
    if (r !== 0) return r;
    // Waiting offers in queue order (oldest first, as they will activate); past ones most recent first.
    const t = queueTime(a.offer) - queueTime(b.offer);
    return RANK[a.offer.status] === 4 ? -t : t;
  });
}

function tailOf(o: Offer): string {
  return codeTail(o.couponCode).tail;
}

function nextStep(o: Offer, cur: string, all: readonly Offer[]): string {
  const t = o.terms;
  const expires = o.expiresAt === null ? '' : ` on ${dateTime(o.expiresAt)}`;
  const unlessExpired = o.expiresAt === null ? '' : `, unless it expires first (${dateTime(o.expiresAt)})`;
  const pending = all.filter((x) => x.status === 'Pending').sort((a, b) => queueTime(a) - queueTime(b));
  const unlock =
    t.spendThreshold > 0
      ? ` Once active, spend ${money(t.spendThreshold, cur)} on ads to unlock ${money(t.amount, cur)} of credit.`
      : '';
  switch (o.status) {
    case 'Active': {
      const after = pending[0]
        ? ` Then your pending offer ending ${tailOf(pending[0])} becomes active.`
        : ' After that, your primary payment method is charged.';
      if (o.spendToThreshold > 0)
        return (
          `Spend ${money(o.spendToThreshold, cur)} more on ads${o.expiresAt === null ? '' : ` before it expires${expires}`} ` +
          `to unlock ${money(t.amount, cur)} of credit. Only spend since activation counts, and credit never pays ` +
          `an existing balance.`
        );
      const share = t.percentOffBp === null ? 'your ad spend' : `${percentText(t.percentOffBp)} of each ad spend`;
      return `Pays for ${share} until the ${money(o.balance, cur)} left is used up or it expires${expires}.${after}`;
    }
    case 'Pending': {
      const place = pending.findIndex((x) => x.couponId === o.couponId);
      const ahead = place > 0 ? pending[place - 1] : undefined;
      const when = ahead
        ? `Becomes active after the pending offer ending ${tailOf(ahead)}`
        : 'Becomes active when your current offer runs out or expires';
      return `${when}${unlessExpired}.${unlock}`;
    }
    case 'NeedsPaymentMethod':
      return (
        `Add a primary payment method to this account: it then becomes active, or pending if another offer is ` +
        `active${unlessExpired}.${unlock}`
      );
    case 'PendingRedemption':
      // The engine ends a claim at its expiry, so a claim still pending redemption has not reached it.
      return `Redeem it on this account to start it${o.expiresAt !== null ? ` before${expires}` : ''}.`;
    case 'Depleted':
      return 'Nothing more: new ad spend goes to your next offer, if any, or to your payment method.';
    case 'Expired':
    case 'Revoked':
      return o.forfeited > 0
        ? `${money(o.forfeited, cur)} of unused credit was forfeited. Promotional credit is non-refundable.`
        : 'Nothing more: it no longer applies to ad spend.';
  }
}

function card(e: Entry, className: string, cur: string, all: readonly Offer[], now: number): OfferCard {
  const o = e.offer;
  const t = o.terms;
  const earningNow = o.status === 'Active' && o.spendToThreshold > 0;
  const spent = t.spendThreshold - o.spendToThreshold;
  const earning: Bar | null = earningNow
    ? {
        label: 'Qualifying spend',
        value: decimal(spent, cur),
        max: decimal(t.spendThreshold, cur),
        text: `${money(spent, cur)} of ${money(t.spendThreshold, cur)} spent, ${money(o.spendToThreshold, cur)} to go`,
      }
    : null;
  const usedMinor = o.covered;
  const used: Bar | null =
    o.credited > 0
      ? {
          label: 'Credit used',
          value: decimal(usedMinor, cur),
          max: decimal(o.credited, cur),
          text:
            `${money(usedMinor, cur)} of ${money(o.credited, cur)} used, ` +
            (o.forfeited > 0 ? `${money(o.forfeited, cur)} forfeited` : `${money(o.balance, cur)} left`),
        }
      : null;
  const live = !e.info.final;
  const facts: [string, string, string | null][] = [
    ['Amount', money(t.amount, cur), null],
    ['Balance', money(o.balance, cur), null],
  ];
  if (t.spendThreshold > 0) facts.push(['Spend to unlock', money(t.spendThreshold, cur), null]);
  if (t.percentOffBp !== null) facts.push(['Covers', `${percentText(t.percentOffBp)} of each spend`, null]);
  facts.push(['Activated', o.activatedAt === null ? 'Not yet' : dateTime(o.activatedAt), null]);
  facts.push([
    live ? 'Expires' : 'Expiry date',
    o.expiresAt === null ? 'Never' : dateTime(o.expiresAt),
    o.expiresAt === null ? null : new Date(o.expiresAt).toISOString(),
  ]);
  if (live) facts.push(['Days left', daysLeftText(o.expiresAt, now), null]);
  if (o.forfeited > 0) facts.push(['Forfeited', money(o.forfeited, cur), null]);
  return {
    couponId: o.couponId,
    className,
    status: o.status,
    code: codeTail(o.couponCode),
    facts,
    earning,
    used,
    next: nextStep(o, cur, all),
    redeemNow: o.status === 'PendingRedemption',
  };
}

export function canRedeem(role: Role): boolean {
  return role === 'SuperAdmin' || role === 'Standard';
}

/** Every account of the user's customer with its offers, current ones first. */
export function accountViews(
  accounts: readonly AccountSummary[],
  infos: readonly CouponInfo[],
  classNames: ReadonlyMap<string, string>,
  role: Role,
  now: number,
): AccountView[] {
  return accounts.map((a) => {
    const cur = a.currency;
    const entries: Entry[] = [];
    for (const info of infos) if (info.accountId === a.id && info.offer) entries.push({ info, offer: info.offer });
    const all = entries.map((e) => e.offer);
    return {
      id: a.id,
      number: a.number,
      currency: cur,
      hasPaymentMethod: a.hasPaymentMethod,
      canRedeem: canRedeem(role),
      offers: sortEntries(entries).map((e) => card(e, classNames.get(e.offer.couponId) ?? 'Coupon', cur, all, now)),
    };
  });
}
